import { clientAgainstSimulator, loopbackSimEnv } from './testing/scenarios.ts';

clientAgainstSimulator('real loopback HTTP', loopbackSimEnv());
