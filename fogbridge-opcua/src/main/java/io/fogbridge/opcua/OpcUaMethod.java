package io.fogbridge.opcua;

/**
 * A method {@code call} commands may call on an endpoint's server: the object it is called on and the method node,
 * both in OPC UA text form ({@code ns=1;s=Pump}, {@code ns=1;s=Pump.Start}). A command naming any other pair is
 * refused before anything reaches the server. Immutable.
 */
public record OpcUaMethod(String objectId, String methodId) {}
