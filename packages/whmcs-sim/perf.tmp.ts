import { generateWorld } from './src/index.ts';
const clients = Number(process.argv[2]);
const cpu0 = process.cpuUsage(); const t0 = performance.now();
const w = generateWorld({ clients, seed: 1 });
const cpu = process.cpuUsage(cpu0);
console.log(`clients=${clients} invoices=${w.size} wall=${Math.round(performance.now() - t0)}ms cpu=${Math.round((cpu.user + cpu.system) / 1000)}ms rss=${Math.round(process.memoryUsage().rss / 1e6)}MB heap=${Math.round(process.memoryUsage().heapUsed/1e6)}MB`);
