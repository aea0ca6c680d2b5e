/**
 * The durable spool: Fogbridge's on-disk store-and-forward log between ingestion and the uplink.
 *
 * <p>Entry points: {@link io.fogbridge.spool.SegmentedSpool#open(SpoolOptions)} (implements
 * {@link io.fogbridge.api.Spool}), {@link io.fogbridge.spool.SpoolOptions#builder(java.nio.file.Path)},
 * {@link io.fogbridge.spool.SpoolInspector#inspect(java.nio.file.Path, java.io.PrintStream)}.
 *
 * <h2>Configuration</h2>
 *
 * <table>
 *   <caption>spool settings</caption>
 *   <tr><th>key</th><th>type</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>spool.directory</td><td>path</td><td>-</td><td>the spool's own directory; locked by one process</td></tr>
 *   <tr><td>spool.fsync</td><td>{@code group} | {@code interval:<ms>}</td><td>group</td><td>{@link io.fogbridge.spool.FsyncPolicy}</td></tr>
 *   <tr><td>spool.max-bytes</td><td>bytes</td><td>1 GiB</td><td>bound on segment bytes, all lanes</td></tr>
 *   <tr><td>spool.max-age</td><td>duration</td><td>0 (unlimited)</td><td>older records are dropped, reason {@code max-age}</td></tr>
 *   <tr><td>spool.when-full</td><td>{@code block} | {@code drop-oldest} | {@code drop-newest}</td><td>block</td><td>{@link io.fogbridge.spool.FullPolicy}</td></tr>
 *   <tr><td>spool.block-timeout</td><td>duration</td><td>30 s</td><td>how long a blocked append waits for room</td></tr>
 *   <tr><td>spool.segment-bytes</td><td>bytes</td><td>64 MiB (at most max-bytes / 2)</td><td>segment size; each segment holds one open file</td></tr>
 * </table>
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
 *   <li>Deletion follows a durable commit ({@link io.fogbridge.spool.CommitLog}); recovery
 *       accepts any prefix of deletions, empty or torn segments, and damage, so it never
 *       crash-loops ({@link io.fogbridge.spool.LaneLog#recover}).
 * </ul>
 *
 * <p>Damage found at open is counted ({@code corrupt}, {@code torn-tail}) at each open until
 * the damaged segment is committed and deleted: the counters are per process.
 */
package io.fogbridge.spool;
