/**
 * The durable spool: Fogbridge's on-disk store-and-forward log between ingestion and the uplink.
 *
 * <p>Entry points: {@link io.fogbridge.spool.SegmentedSpool#open(SpoolOptions)} (implements
 * {@link io.fogbridge.api.Spool}), {@link io.fogbridge.spool.SpoolOptions#builder(java.nio.file.Path)},
 * {@link io.fogbridge.spool.SpoolInspector#inspect(java.nio.file.Path, java.io.PrintStream)}.
 *
 * <p>Options come from {@link io.fogbridge.spool.SpoolOptions}; the gateway's {@code spool.*} config keys, their
 * defaults and rules are defined once in its config section, not here.
 *
 * <h2>What each guarantee rests on</h2>
 *
 * <ul>
 *   <li>Acknowledged = on disk per the policy: the writer completes futures only after write (and,
 *       for {@code group}, fsync) of the whole batch ({@link io.fogbridge.spool.SpoolWriter});
 *       {@code interval:<ms>} fsyncs in the background ({@link io.fogbridge.spool.BackgroundSyncer}).
 *   <li>A sequence that reached the cursor (and maybe Kafka) is never handed out again, even
 *       after a power cut lost it under {@code interval:<ms>}: it lies below the lane's durable
 *       {@link io.fogbridge.spool.SequenceReservation}, fsynced before any record above the
 *       previous limit is published; recovery starts at or above it.
 *   <li>Commits need no fsync of their own (a lost one only re-delivers): the commit log is
 *       fsynced in the background, off the append path, and at close
 *       ({@link io.fogbridge.spool.CommitLog}).
 *   <li>Deletion follows a durable commit ({@link io.fogbridge.spool.CommitLog}), except on a
 *       full disk where the commit log cannot grow: then segments the forwarder committed (Kafka
 *       has them) go anyway, and a crash only re-delivers less ({@link io.fogbridge.spool.SpoolWriter});
 *       recovery
 *       accepts any prefix of deletions, empty or torn segments, and damage, so it never
 *       crash-loops ({@link io.fogbridge.spool.LaneLog#recover}).
 * </ul>
 *
 * <p>A failing disk (ENOSPC, EIO) fails the appends of the writer's turn with a retriable
 * {@code SpoolException.Io} and takes back what the turn wrote, so that neither the files nor the
 * byte count keep any of it; the next turn simply tries again, so the spool writes again by itself
 * as soon as it can. All file I/O that can fail goes through {@link io.fogbridge.spool.SpoolDisk}, where
 * tests inject faults. Failures are logged once per episode ({@link io.fogbridge.spool.WriteOutage}).
 *
 * <p>Damage found at open is counted ({@code corrupt}, {@code torn-tail}) at each open until
 * the damaged segment is committed and deleted: the counters are per process.
 */
package io.fogbridge.spool;
