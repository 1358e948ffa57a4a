import { MODULE_API_TYPES, writeModuleApiTypes } from '../src/module/module-api-types.ts';

await writeModuleApiTypes();
console.log(`wrote ${MODULE_API_TYPES}`);
