package io.fogbridge.modbus;

import io.fogbridge.api.discovery.FieldScanner.UsageError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hosts a Modbus scan may probe, from the command line: comma-separated parts, each an IPv4 CIDR block
 * ({@code 10.0.0.0/24}: its hosts, without the network and broadcast address of a block of more than 2), an IPv4 range
 * ({@code 10.0.0.5-10.0.0.20}) or one host name or address. At most {@link #MAX_HOSTS} in all: a scan is told where
 * to look, it does not sweep a plant network. Immutable.
 */
record HostRange(List<String> hosts) {

    static final int MAX_HOSTS = 4096;
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    static HostRange parse(String text) throws UsageError {
        Set<String> hosts = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            part = part.strip();
            if (part.isEmpty()) {
                throw new UsageError("hosts: an empty part in '" + text + "'");
            }
            int slash = part.indexOf('/');
            int dash = part.indexOf('-');
            if (slash >= 0) {
                cidr(part, slash, hosts);
            } else if (dash > 0 && IPV4.matcher(part.substring(0, dash)).matches()) {
                add(ipv4(part.substring(0, dash), part), ipv4(part.substring(dash + 1), part), part, hosts);
            } else {
                hosts.add(part);
            }
            if (hosts.size() > MAX_HOSTS) {
                throw new UsageError("hosts: more than " + MAX_HOSTS + " hosts in '" + text + "' (a /20): scan"
                        + " the blocks where the devices are");
            }
        }
        return new HostRange(List.copyOf(hosts));
    }

    private static void cidr(String part, int slash, Set<String> hosts) throws UsageError {
        long base = ipv4(part.substring(0, slash), part);
        int prefix;
        try {
            prefix = Integer.parseInt(part.substring(slash + 1));
        } catch (NumberFormatException e) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > 32) {
            throw new UsageError("hosts: '" + part + "' needs a prefix length 0-32 after /");
        }
        if (32 - prefix > 12) {
            throw new UsageError("hosts: '" + part + "' holds more than " + MAX_HOSTS + " hosts: scan /20 or smaller");
        }
        long size = 1L << (32 - prefix);
        long first = base & ~(size - 1);
        long last = first + size - 1;
        if (size > 2) {
            first++; // the network address
            last--; // the broadcast address
        }
        add(first, last, part, hosts);
    }

    private static void add(long first, long last, String part, Set<String> hosts) throws UsageError {
        if (last < first) {
            throw new UsageError("hosts: '" + part + "' ends before it starts");
        }
        if (last - first >= MAX_HOSTS) {
            throw new UsageError("hosts: '" + part + "' holds more than " + MAX_HOSTS + " hosts");
        }
        for (long address = first; address <= last; address++) {
            hosts.add(text(address));
        }
    }

    private static long ipv4(String text, String part) throws UsageError {
        Matcher m = IPV4.matcher(text.strip());
        if (!m.matches()) {
            throw new UsageError("hosts: '" + text + "' in '" + part + "' is not an IPv4 address");
        }
        long address = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(m.group(i));
            if (octet > 255) {
                throw new UsageError("hosts: '" + text + "' in '" + part + "' is not an IPv4 address");
            }
            address = address << 8 | octet;
        }
        return address;
    }

    private static String text(long address) {
        List<String> octets = new ArrayList<>(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            octets.add(Long.toString(address >> shift & 0xff));
        }
        return String.join(".", octets);
    }
}
