package io.fogbridge.api.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * Tells a polling watcher whether a credentials file (the device registry, the CoAP key file) changed
 * since it was last loaded, and keeps a version that failed to load from being reported again until
 * it changes once more.
 *
 * <p>Compares modification time, size and file key instead of using a WatchService: polling also sees
 * a Kubernetes ConfigMap's or Secret's symlink swap and files on network mounts, and costs one stat
 * per poll. A missing file counts as one more version (reported once, when its read fails).
 *
 * <p>Use: {@link #changed()}, then {@link #loaded()} or {@link #failed()} for the version it saw. Not
 * thread-safe: one polling thread owns it.
 */
public final class FileChange {

    private final Path file;
    private Stamp loaded;
    private Stamp lastFailed;
    private Stamp seen;

    /** Takes the file's current version as loaded: create it just before the first read. */
    public FileChange(Path file) {
        this.file = file;
        this.loaded = stamp();
    }

    /** Whether the file is a version that was neither loaded nor failed already. */
    public boolean changed() {
        seen = stamp();
        return !seen.equals(loaded) && !seen.equals(lastFailed);
    }

    /** The version {@link #changed()} saw is now in force. */
    public void loaded() {
        loaded = seen;
        lastFailed = null;
    }

    /** The version {@link #changed()} saw did not load; the previous one stays in force. */
    public void failed() {
        lastFailed = seen;
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (IOException e) {
            return new Stamp(null, -1, null);
        }
    }

    /** {@code modified} at the file system's full resolution, so two writes in one millisecond still differ. */
    private record Stamp(FileTime modified, long size, Object fileKey) {}
}
