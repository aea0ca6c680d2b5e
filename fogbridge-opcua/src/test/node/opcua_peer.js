// The independent OPC UA server of fogbridge-opcua's tests: node-opcua with endpoints for security None and for
// Basic256Sha256, Aes128_Sha256_RsaOaep and Aes256_Sha256_RsaPss (Sign, SignAndEncrypt); anonymous, operator/secret
// or an X.509 user certificate. It accepts any client and user certificate (its own trust is not under test: the
// gateway's is). Its certificate is made under <pki dir> on first start and kept across restarts.
// Usage: node opcua_peer.js <port> <generation> <pki dir>. Prints READY when it listens.
//
// Variables in namespace 1 (ns=1;s=...):
//   Counter    Int32   +1 every 100 ms, from 0 at start
//   Level      Double  a sawtooth 0.0-9.9 in steps of 0.1 every 100 ms (a deadband of 1.0 reports ~1 in 10)
//   Name       String  "tank-1", constant
//   Generation Int32   the <generation> argument: tells a restarted server's data from the old one's
//   Setpoint   Double  0.0 at start, writable by anyone
//   Locked     Double  writable by its access level, not by any user's (a Write gets Bad_UserAccessDenied)
//   Shifty     BaseDataType: the counter, as a Double for 500 ms, then as a String for 500 ms, ... (a node whose
//              data type changes)
//   Huge       Double[20000]: a huge array, every element the counter, changed once a second (about 160 kB
//              in OPC UA binary, more as JSON: over a 64 kB record limit)
// Name and Generation are read-only (a Write gets Bad_NotWritable).
//
// Methods on the object Pump (ns=1;s=Pump):
//   ns=1;s=Pump.Scale  (value Double, factor Int32) -> (result Double): value * factor
//   ns=1;s=Pump.Jam    () -> Bad_InvalidState, always
//   ns=1;s=Pump.Mix    (amounts Double[], ratios UInt16[3]) -> (total Double, count UInt32):
//                      sum of amounts[i] * ratios[i], and how many amounts
//   ns=1;s=Pump.Stall  (millis Int32) -> (): answers Good after millis (a server that does not answer in time)
"use strict";
const path = require("path");
const { OPCUAServer, OPCUACertificateManager, DataType, SecurityPolicy, MessageSecurityMode, StatusCodes, Variant, VariantArrayType } = require("node-opcua");

async function main() {
    const port = parseInt(process.argv[2], 10);
    const generation = parseInt(process.argv[3] || "1", 10);
    const pki = process.argv[4] || path.join(__dirname, "pki");
    const serverCertificateManager = new OPCUACertificateManager({ rootFolder: pki, automaticallyAcceptUnknownCertificate: true });
    const userCertificateManager = new OPCUACertificateManager({ rootFolder: path.join(pki, "user"), automaticallyAcceptUnknownCertificate: true });
    const server = new OPCUAServer({
        port,
        userCertificateManager,
        securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Aes256_Sha256_RsaPss],
        securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
        resourcePath: "/peer",
        serverCertificateManager,
        allowAnonymous: true,
        userManager: { isValidUser: (user, password) => user === "operator" && password === "secret" },
    });
    await userCertificateManager.initialize(); // before READY: not on the first X.509 login
    await server.initialize();
    const namespace = server.engine.addressSpace.getOwnNamespace();
    const device = namespace.addObject({ organizedBy: server.engine.addressSpace.rootFolder.objects, browseName: "Tank" });
    let counter = 0;
    let level = 0;
    const variable = (name, dataType, value, access = "CurrentRead") =>
        namespace.addVariable({
            componentOf: device,
            nodeId: "s=" + name,
            browseName: name,
            dataType,
            accessLevel: access,
            userAccessLevel: access,
            minimumSamplingInterval: 50,
            value: { dataType: DataType[dataType], value },
        });
    const counterNode = variable("Counter", "Int32", counter);
    const levelNode = variable("Level", "Double", level);
    variable("Name", "String", "tank-1");
    variable("Generation", "Int32", generation);
    let setpoint = 0.0;
    namespace.addVariable({
        componentOf: device,
        nodeId: "s=Setpoint",
        browseName: "Setpoint",
        dataType: "Double",
        accessLevel: "CurrentRead | CurrentWrite",
        userAccessLevel: "CurrentRead | CurrentWrite",
        minimumSamplingInterval: 50,
        value: {
            get: () => new Variant({ dataType: DataType.Double, value: setpoint }),
            set: (v) => {
                setpoint = v.value;
                return StatusCodes.Good;
            },
        },
    });
    const pump = namespace.addObject({ organizedBy: server.engine.addressSpace.rootFolder.objects, browseName: "Pump", nodeId: "s=Pump" });
    const scale = namespace.addMethod(pump, {
        nodeId: "s=Pump.Scale",
        browseName: "Scale",
        inputArguments: [
            { name: "value", dataType: DataType.Double },
            { name: "factor", dataType: DataType.Int32 },
        ],
        outputArguments: [{ name: "result", dataType: DataType.Double }],
    });
    scale.bindMethod(async (inputs, context) => ({
        statusCode: StatusCodes.Good,
        outputArguments: [{ dataType: DataType.Double, value: inputs[0].value * inputs[1].value }],
    }));
    const mix = namespace.addMethod(pump, {
        nodeId: "s=Pump.Mix",
        browseName: "Mix",
        inputArguments: [
            { name: "amounts", dataType: DataType.Double, valueRank: 1, arrayDimensions: [0] },
            { name: "ratios", dataType: DataType.UInt16, valueRank: 1, arrayDimensions: [3] },
        ],
        outputArguments: [
            { name: "total", dataType: DataType.Double },
            { name: "count", dataType: DataType.UInt32 },
        ],
    });
    mix.bindMethod(async (inputs, context) => {
        const amounts = Array.from(inputs[0].value || []);
        const ratios = Array.from(inputs[1].value || []);
        const total = amounts.reduce((sum, a, i) => sum + a * (ratios[i] || 0), 0);
        return {
            statusCode: StatusCodes.Good,
            outputArguments: [
                { dataType: DataType.Double, value: total },
                { dataType: DataType.UInt32, value: amounts.length },
            ],
        };
    });
    const stall = namespace.addMethod(pump, {
        nodeId: "s=Pump.Stall",
        browseName: "Stall",
        inputArguments: [{ name: "millis", dataType: DataType.Int32 }],
        outputArguments: [],
    });
    stall.bindMethod(async (inputs, context) => {
        await new Promise((resolve) => setTimeout(resolve, inputs[0].value));
        return { statusCode: StatusCodes.Good };
    });
    const jam = namespace.addMethod(pump, { nodeId: "s=Pump.Jam", browseName: "Jam", inputArguments: [], outputArguments: [] });
    jam.bindMethod(async (inputs, context) => ({ statusCode: StatusCodes.BadInvalidState }));
    namespace.addVariable({
        componentOf: device,
        nodeId: "s=Locked",
        browseName: "Locked",
        dataType: "Double",
        accessLevel: "CurrentRead | CurrentWrite",
        userAccessLevel: "CurrentRead",
        value: { dataType: DataType.Double, value: 1.5 },
    });
    const shifty = namespace.addVariable({
        componentOf: device,
        nodeId: "s=Shifty",
        browseName: "Shifty",
        dataType: "BaseDataType",
        minimumSamplingInterval: 50,
        value: { dataType: DataType.Double, value: 0 },
    });
    const huge = namespace.addVariable({
        componentOf: device,
        nodeId: "s=Huge",
        browseName: "Huge",
        dataType: "Double",
        valueRank: 1,
        arrayDimensions: [20000],
        minimumSamplingInterval: 50,
        value: { dataType: DataType.Double, arrayType: VariantArrayType.Array, value: new Float64Array(20000) },
    });
    setInterval(() => {
        huge.setValueFromSource({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: new Float64Array(20000).fill(counter) });
    }, 1000);
    setInterval(() => {
        counter += 1;
        shifty.setValueFromSource(
            Math.floor(counter / 5) % 2 === 0 ? { dataType: DataType.Double, value: counter } : { dataType: DataType.String, value: "n" + counter });
        level = Math.round(((level + 0.1) % 10) * 10) / 10;
        counterNode.setValueFromSource({ dataType: DataType.Int32, value: counter });
        levelNode.setValueFromSource({ dataType: DataType.Double, value: level });
    }, 100);
    await server.start();
    console.log("READY " + server.getEndpointUrl());
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
