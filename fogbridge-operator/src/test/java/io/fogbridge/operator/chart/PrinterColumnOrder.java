package io.fogbridge.operator.chart;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts a generated CRD's printer columns in the order {@code kubectl get} should show them: kubectl prints them as
 * the CRD lists them, and fabric8's CRD generator sorts them by JSON path (it has no order attribute). Works on the
 * generator's YAML text (a column is a {@code - jsonPath:} item with its fields indented below it), so the rest of
 * the file stays byte for byte what the generator wrote.
 */
final class PrinterColumnOrder {

    private static final String COLUMNS = "  - additionalPrinterColumns:";
    private static final Pattern NAME = Pattern.compile("^ {6}name: \"([^\"]+)\"$");

    private PrinterColumnOrder() {}

    /** {@code crd} with its columns named in {@code order} first, in that order; any other column after them. */
    static String apply(String crd, List<String> order) {
        List<String> lines = new ArrayList<>(List.of(crd.split("\n", -1)));
        int start = lines.indexOf(COLUMNS);
        if (start < 0) {
            throw new IllegalArgumentException("no printer columns in the CRD");
        }
        Map<String, List<String>> columns = new LinkedHashMap<>();
        int end = start + 1;
        List<String> column = null;
        while (end < lines.size()) {
            String line = lines.get(end);
            if (line.startsWith("    - ")) {
                column = new ArrayList<>();
                columns.put("#" + columns.size(), column);
            } else if (!line.startsWith("      ") || column == null) {
                break;
            }
            column.add(line);
            end++;
        }
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (List<String> item : columns.values()) {
            byName.put(nameOf(item), item);
        }
        List<String> ordered = new ArrayList<>();
        for (String name : order) {
            List<String> item = byName.remove(name);
            if (item == null) {
                throw new IllegalArgumentException("no printer column " + name);
            }
            ordered.addAll(item);
        }
        byName.values().forEach(ordered::addAll);
        lines.subList(start + 1, end).clear();
        lines.addAll(start + 1, ordered);
        return String.join("\n", lines);
    }

    private static String nameOf(List<String> column) {
        for (String line : column) {
            Matcher name = NAME.matcher(line);
            if (name.matches()) {
                return name.group(1);
            }
        }
        throw new IllegalArgumentException("a printer column without a name: " + column);
    }
}
