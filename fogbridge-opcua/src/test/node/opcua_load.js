// The OPC UA load server of bench/opcua-bench.sh (BENCHMARKS.md, "OPC UA"): node-opcua with <items> Double
// variables ns=1;s=v0 .. ns=1;s=v<items-1>, every one set to a new value with the current time as its source
// timestamp every <interval> ms, so a subscription sampling them at that interval gets <items> * 1000 / <interval>
// notifications per second, each carrying the time it was made.
// Usage: node opcua_load.js <port> <items> <interval ms>. Prints READY when it listens. Security None, anonymous.
"use strict";
const { OPCUAServer, DataType, StatusCodes } = require("node-opcua");

async function main() {
    const port = parseInt(process.argv[2], 10);
    const items = parseInt(process.argv[3] || "2000", 10);
    const interval = parseInt(process.argv[4] || "200", 10);
    const server = new OPCUAServer({ port, resourcePath: "/load", allowAnonymous: true, maxSessions: 20 });
    await server.initialize();
    const namespace = server.engine.addressSpace.getOwnNamespace();
    const folder = namespace.addObject({ organizedBy: server.engine.addressSpace.rootFolder.objects, browseName: "Load" });
    const nodes = [];
    for (let i = 0; i < items; i++) {
        nodes.push(namespace.addVariable({
            componentOf: folder,
            nodeId: "s=v" + i,
            browseName: "v" + i,
            dataType: "Double",
            minimumSamplingInterval: 50,
            value: { dataType: DataType.Double, value: 0 },
        }));
    }
    let tick = 0;
    setInterval(() => {
        tick += 1;
        const now = new Date();
        for (let i = 0; i < nodes.length; i++) {
            nodes[i].setValueFromSource({ dataType: DataType.Double, value: tick + i / 100000 }, StatusCodes.Good, now);
        }
    }, interval);
    await server.start();
    console.log("READY " + server.getEndpointUrl());
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
