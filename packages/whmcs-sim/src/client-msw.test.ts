import { clientAgainstSimulator, mswSimEnv } from './testing/client-contract.ts';

clientAgainstSimulator('in-process through msw', mswSimEnv());
