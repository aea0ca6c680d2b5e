package io.fogbridge.gateway;

/**
 * Marks a test class that runs its superclass's tests with {@code devices.pipelinedAcks} on (devices connect through
 * the device relay, decision 0001). The superclass's {@code @BeforeAll} reads the mark from the class being run: a
 * subclass's own static {@code @BeforeAll} would run in addition to the superclass's, not instead of it.
 */
interface ThroughDeviceRelay {}
