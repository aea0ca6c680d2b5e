package io.fogbridge.modbus;

import io.fogbridge.api.discovery.FieldScanner;
import io.fogbridge.api.discovery.ProposedDevice;
import io.fogbridge.api.discovery.ScanArguments;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * {@code fogbridge discover modbus <hosts> [--ports 502] [--units 1] [--timeout 300ms] [--concurrency 32]}: finds
 * Modbus TCP units in a host range. Per host and port one connection (at most {@code --concurrency} at a time, each
 * step within {@code --timeout}); on it each unit id is asked for holding register 0 ({@link UnitProbe}), one unit
 * after the other, as a serial gateway behind the port would need. A unit that answers (data or an exception other
 * than a gateway's 0x0A/0x0B) is asked for address 0 of the other three tables too, and proposed with one tag per
 * table that gave data there: a start the person approving it edits, not a guess at its register map. A unit where
 * no table answers at address 0 is reported and not proposed (a Device needs at least one tag).
 *
 * <p>Bounds: a /24 on one port with the defaults is 254 connects, 32 at a time, each refused at once or given up
 * after 300 ms: about 2.4 s when no host answers. Each found unit costs up to 4 reads per unit id asked.
 */
public final class ModbusScanner implements FieldScanner {

    private static final Set<String> OPTIONS = Set.of("--ports", "--units", "--timeout", "--concurrency");
    /** The tables in the order they are asked, with the function code of a read and the proposed tag's name. */
    private static final List<String[]> TABLES = List.of(
            new String[] {"holding-registers", "3", "holding-register-0"},
            new String[] {"input-registers", "4", "input-register-0"},
            new String[] {"coils", "1", "coil-0"},
            new String[] {"discrete-inputs", "2", "discrete-input-0"});

    @Override
    public String protocol() {
        return "modbus";
    }

    @Override
    public String usage() {
        return "<hosts> [--ports 502] [--units 1] [--timeout 300ms] [--concurrency 32]: hosts as CIDR blocks, ranges"
                + " or names (10.0.0.0/24,10.0.1.5-10.0.1.9,plc-7; at most 4096), ports and unit ids as lists and"
                + " ranges (--units 1-10,247); reads address 0 of each table, writes nothing";
    }

    /** What to scan, parsed from the arguments. */
    private record Plan(HostRange hosts, List<Integer> ports, List<Integer> units, Duration timeout, int concurrency) {}

    private static Plan plan(List<String> args) throws UsageError {
        ScanArguments arguments = ScanArguments.parse(args, OPTIONS);
        if (arguments.positional().size() != 1) {
            throw new UsageError("expected one <hosts> argument (CIDR blocks, ranges or names, comma-separated), got "
                    + arguments.positional().size());
        }
        return new Plan(
                HostRange.parse(arguments.positional().getFirst()),
                arguments.integers("--ports", "502", 1, 65535, 16),
                arguments.integers("--units", "1", 0, 255, 256),
                arguments.duration("--timeout", Duration.ofMillis(300), Duration.ofMillis(10), Duration.ofSeconds(10)),
                arguments.integer("--concurrency", 32, 1, 256));
    }

    @Override
    public void check(List<String> args) throws UsageError {
        plan(args);
    }

    @Override
    public List<ProposedDevice> scan(List<String> args, PrintStream progress) throws Exception {
        Plan plan = plan(args);
        HostRange hosts = plan.hosts();
        List<Integer> ports = plan.ports();
        List<Integer> units = plan.units();
        Duration timeout = plan.timeout();
        int concurrency = plan.concurrency();

        Semaphore permits = new Semaphore(concurrency);
        List<Future<List<ProposedDevice>>> results = new ArrayList<>();
        long started = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String host : hosts.hosts()) {
                for (int port : ports) {
                    results.add(threads.submit(() -> {
                        permits.acquire();
                        try {
                            return scanPort(host, port, units, timeout, progress);
                        } finally {
                            permits.release();
                        }
                    }));
                }
            }
        }
        List<ProposedDevice> found = new ArrayList<>();
        for (Future<List<ProposedDevice>> result : results) {
            found.addAll(result.get()); // in host and port order, whatever finished first
        }
        progress.printf(
                "modbus: %d host(s) x %d port(s) scanned in %d ms, %d unit(s) found%n",
                hosts.hosts().size(), ports.size(), (System.nanoTime() - started) / 1_000_000, found.size());
        return found;
    }

    private static List<ProposedDevice> scanPort(
            String host, int port, List<Integer> units, Duration timeout, PrintStream progress) {
        UnitProbe probe;
        try {
            probe = UnitProbe.connect(host, port, timeout);
        } catch (IOException e) {
            return List.of(); // nothing listens: the usual case of a scan, not worth a line each
        }
        List<ProposedDevice> found = new ArrayList<>();
        try (probe) {
            for (int unit : units) {
                ProposedDevice device = scanUnit(probe, host, port, unit, progress);
                if (device != null) {
                    found.add(device);
                }
            }
        } catch (IOException e) {
            progress.printf("modbus: %s:%d left out: %s%n", host, port, e.getMessage());
        }
        return found;
    }

    private static ProposedDevice scanUnit(UnitProbe probe, String host, int port, int unit, PrintStream progress)
            throws IOException {
        List<Map<String, Object>> tags = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String[] table : TABLES) {
            UnitProbe.Answer answer = probe.read(unit, Integer.parseInt(table[1]));
            if (answer == UnitProbe.Answer.ABSENT) {
                if (table[0].equals("holding-registers")) {
                    return null; // asked first: no answer means no unit
                }
                notes.add(table[0] + " address 0: no answer");
                continue;
            }
            if (answer == UnitProbe.Answer.DATA) {
                Map<String, Object> tag = new LinkedHashMap<>();
                tag.put("name", table[2]);
                tag.put("table", table[0]);
                tag.put("address", "0");
                tags.add(tag);
            } else {
                notes.add(table[0] + " address 0: refused (an exception answer)");
            }
        }
        String endpoint = "modbus://" + host + ":" + port + "/" + unit;
        if (tags.isEmpty()) {
            progress.printf("modbus: %s answers, but no table at address 0: not proposed%n", endpoint);
            return null;
        }
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("host", host);
        section.put("port", port);
        section.put("unitId", unit);
        section.put("tags", tags);
        notes.addFirst("unit " + unit + " at " + host + ":" + port + " answered; one tag per table readable at"
                + " address 0 (types are defaults: set the register map before approving)");
        progress.printf("modbus: %s answers (%d table(s) at address 0)%n", endpoint, tags.size());
        return new ProposedDevice("modbus", endpoint, section, notes);
    }
}
