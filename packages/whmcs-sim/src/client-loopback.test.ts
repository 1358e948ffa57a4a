import { clientAgainstSimulator, loopbackSimEnv } from './testing/client-contract.ts';

clientAgainstSimulator('real loopback HTTP', loopbackSimEnv());
