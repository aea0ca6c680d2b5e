package io.fogbridge.gateway;

/**
 * Marks a test class that runs its superclass's tests with {@code devices.pipelinedAcks: false}: devices connect to
 * the embedded broker directly, not through the device relay that is the default (decision 0001), the way a gateway
 * runs where the relay cannot (not Linux) or where it is switched off. The superclass's {@code @BeforeAll} reads the
 * mark from the class being run: a subclass's own static {@code @BeforeAll} would run in addition to the
 * superclass's, not instead of it.
 */
interface WithoutDeviceRelay {

    /** What the marked classes add to the gateway's config file. */
    String YAML = "devices: {pipelinedAcks: false}\n";
}
