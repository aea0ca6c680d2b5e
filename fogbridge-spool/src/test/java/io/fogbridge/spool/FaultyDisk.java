package io.fogbridge.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A {@link SpoolDisk} that fails on a schedule: at random from a seed (each thread draws from its
 * own seeded stream, so the writer's faults do not depend on when the background sync runs), on
 * the n-th call of an operation, or on every write while the disk is "full". Faults are ENOSPC and
 * EIO, short writes (a prefix is written, then ENOSPC) and failed renames and deletes; reads fail
 * only on the n-th call. Every injected fault is counted and described in {@link #injected()}. A stalled operation
 * ({@link #stall}) does not fail: its calls wait, like a hung disk's, until {@link #resume}.
 *
 * <p>Thread-safe.
 */
final class FaultyDisk implements SpoolDisk {
    enum Op {
        WRITE,
        FORCE,
        FORCE_DIRECTORY,
        TRUNCATE,
        MOVE,
        DELETE,
        /** Only when told ({@link #failNext}): random faults leave reads alone, as the simulations expect. */
        READ
    }

    static final String ENOSPC = "No space left on device";
    static final String EIO = "Input/output error";

    private final long seed;
    private final Map<String, Random> perThread = new java.util.HashMap<>();
    private final Map<Op, Integer> calls = new EnumMap<>(Op.class);
    private final Map<Op, Integer> failAt = new EnumMap<>(Op.class);
    private final Map<Op, Error> errorAt = new EnumMap<>(Op.class);
    private final List<String> injected = new ArrayList<>();
    /** Bytes of each file its last fsync covered, and the files deleted with bytes no fsync covered. */
    private final Map<Path, Long> synced = new java.util.HashMap<>();

    private final List<String> deletedUnsynced = new ArrayList<>();
    private final java.util.Set<Op> spared = java.util.EnumSet.noneOf(Op.class);
    /** Chance, per operation, of a random fault. */
    private double rate;
    /** Every write fails with ENOSPC, some after a short write. */
    private boolean full;
    /** Operations whose calls wait until {@link #resume}. */
    private final java.util.Set<Op> stalled = java.util.EnumSet.noneOf(Op.class);
    /** Calls waiting in a stall now. */
    private int waiting;

    FaultyDisk(long seed) {
        this.seed = seed;
    }

    synchronized FaultyDisk rate(double r) {
        this.rate = r;
        return this;
    }

    /** From now, calls of {@code op} wait (without failing) until {@link #resume}: a hung disk. */
    synchronized FaultyDisk stall(Op op) {
        stalled.add(op);
        return this;
    }

    /** Ends every stall: waiting calls go on. */
    synchronized void resume() {
        stalled.clear();
        notifyAll();
    }

    /** Calls waiting in a stall now. */
    synchronized int waiting() {
        return waiting;
    }

    private synchronized void waitIfStalled(Op op) throws IOException {
        if (!stalled.contains(op)) {
            return;
        }
        waiting++;
        try {
            while (stalled.contains(op)) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted in a stalled " + op);
        } finally {
            waiting--;
        }
    }

    synchronized FaultyDisk full(boolean f) {
        this.full = f;
        return this;
    }

    /** Random faults leave {@code op} alone (a deterministic {@link #failNext} still fails it). */
    synchronized FaultyDisk spare(Op op) {
        spared.add(op);
        return this;
    }

    synchronized boolean isFull() {
        return full;
    }

    /** The {@code n}-th call (1 = the next) of {@code op} from now fails. */
    synchronized FaultyDisk failNext(Op op, int n) {
        failAt.put(op, calls.getOrDefault(op, 0) + n);
        return this;
    }

    /** The next call of {@code op} throws {@code error} (an unexpected failure, not an I/O error). */
    synchronized FaultyDisk errorNext(Op op, Error error) {
        errorAt.put(op, error);
        return this;
    }

    synchronized List<String> injected() {
        return List.copyOf(injected);
    }

    synchronized int count() {
        return injected.size();
    }

    /** Null to go ahead, else the message of the fault to inject. */
    private synchronized String decide(Op op, Path file) {
        int n = calls.merge(op, 1, Integer::sum);
        Error error = errorAt.remove(op);
        if (error != null) {
            injected.add(op + " " + file.getFileName() + ": " + error);
            throw error;
        }
        String fault = null;
        if (failAt.containsKey(op) && failAt.get(op) == n) {
            failAt.remove(op);
            fault = op == Op.WRITE ? ENOSPC : EIO;
        } else if (full && op == Op.WRITE) {
            fault = ENOSPC;
        } else if (rate > 0 && !spared.contains(op) && op != Op.READ) {
            Random rnd =
                    perThread.computeIfAbsent(Thread.currentThread().getName(), t -> new Random(seed ^ t.hashCode()));
            if (rnd.nextDouble() < rate) {
                fault = op == Op.WRITE && rnd.nextBoolean() ? ENOSPC : EIO;
            }
        }
        if (fault != null) {
            injected.add(op + " " + file.getFileName() + ": " + fault);
        }
        return fault;
    }

    private synchronized int shortLength(int remaining) {
        Random rnd = perThread.computeIfAbsent("short", t -> new Random(seed));
        return remaining <= 1 ? 0 : rnd.nextInt(remaining);
    }

    @Override
    public int write(FileChannel channel, Path file, ByteBuffer src, long position) throws IOException {
        waitIfStalled(Op.WRITE);
        String fault = decide(Op.WRITE, file);
        if (fault == null) {
            return SpoolDisk.PLAIN.write(channel, file, src, position);
        }
        if (fault.equals(ENOSPC)) {
            // a short write: some bytes reach the file before the disk is full
            int k = shortLength(src.remaining());
            if (k > 0) {
                int limit = src.limit();
                src.limit(src.position() + k);
                try {
                    channel.write(src, position);
                } finally {
                    src.limit(limit);
                }
            }
        }
        throw new IOException(fault);
    }

    @Override
    public int read(FileChannel channel, Path file, ByteBuffer dst, long position) throws IOException {
        fail(Op.READ, file);
        return SpoolDisk.PLAIN.read(channel, file, dst, position);
    }

    @Override
    public void force(FileChannel channel, Path file) throws IOException {
        waitIfStalled(Op.FORCE);
        fail(Op.FORCE, file);
        long size = channel.size();
        SpoolDisk.PLAIN.force(channel, file);
        synchronized (this) {
            synced.put(file, size);
        }
    }

    /** Segment files deleted while they held bytes no fsync had covered. */
    synchronized List<String> deletedUnsynced() {
        return List.copyOf(deletedUnsynced);
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        fail(Op.FORCE_DIRECTORY, dir);
        SpoolDisk.PLAIN.forceDirectory(dir);
    }

    @Override
    public void truncate(FileChannel channel, Path file, long size) throws IOException {
        fail(Op.TRUNCATE, file);
        SpoolDisk.PLAIN.truncate(channel, file, size);
    }

    @Override
    public void move(Path source, Path target) throws IOException {
        fail(Op.MOVE, target);
        SpoolDisk.PLAIN.move(source, target);
    }

    @Override
    public void delete(Path file) throws IOException {
        fail(Op.DELETE, file);
        if (java.nio.file.Files.exists(file)) {
            long size = java.nio.file.Files.size(file);
            synchronized (this) {
                if (synced.getOrDefault(file, 0L) < size) {
                    deletedUnsynced.add(
                            file.getFileName() + " (" + size + " bytes, " + synced.getOrDefault(file, 0L) + " synced)");
                }
            }
        }
        SpoolDisk.PLAIN.delete(file);
    }

    private void fail(Op op, Path file) throws IOException {
        String fault = decide(op, file);
        if (fault != null) {
            throw new IOException(fault);
        }
    }
}
