/** The command's name: `bridge` alone is iproute2's `/usr/sbin/bridge` on Linux. */
export const CLI_NAME = 'forecaster-bridge';
