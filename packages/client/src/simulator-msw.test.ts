import { clientAgainstSimulator, mswSimEnv } from './testing/scenarios.ts';

clientAgainstSimulator('in-process through msw', mswSimEnv());
