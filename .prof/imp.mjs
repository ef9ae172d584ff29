const t=performance.now(); const c0=process.cpuUsage();
await import(process.argv[2]);
const c=process.cpuUsage(c0); console.log(process.argv[2].split('/').slice(-1)[0], Math.round(performance.now()-t),'ms wall', Math.round((c.user+c.system)/1000),'ms cpu');
