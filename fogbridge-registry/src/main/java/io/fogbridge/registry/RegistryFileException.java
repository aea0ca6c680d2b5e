package io.fogbridge.registry;

/** The registry file cannot be used as it is. The message names the file, the line where known, and the problem. */
public final class RegistryFileException extends Exception {

    public RegistryFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
