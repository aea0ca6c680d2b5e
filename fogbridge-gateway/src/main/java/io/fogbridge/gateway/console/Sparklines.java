package io.fogbridge.gateway.console;

import static io.fogbridge.gateway.console.Html.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogbridge.gateway.console.DeviceActivity.Recent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device page's sparklines: for each numeric field of the device's recent JSON payloads (top level, and one level
 * of nesting as {@code outer.inner}), its values over time. Worked out when the page asks, from the few messages
 * {@link DeviceActivity} keeps, never on the data path. The page carries the numbers in {@code data-*} attributes and
 * the console's own script draws them with uPlot: the Content-Security-Policy allows no inline script. Stateless.
 */
final class Sparklines {

    /** A device sending a hundred numbers gets a dozen lines, not a wall of them. */
    static final int MAX_FIELDS = 12;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One field's points, oldest first. */
    record Series(String field, List<Long> atMillis, List<Double> values) {}

    private Sparklines() {}

    /** @param newestFirst the device's recent messages as {@link DeviceActivity.Seen#recent()} lists them */
    static List<Series> of(List<Recent> newestFirst) {
        Map<String, Series> byField = new LinkedHashMap<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            Recent recent = newestFirst.get(i);
            JsonNode root = parse(recent.payload());
            if (root == null || !root.isObject()) {
                continue;
            }
            for (var field : root.properties()) {
                JsonNode value = field.getValue();
                if (value.isObject()) {
                    for (var inner : value.properties()) {
                        add(byField, field.getKey() + "." + inner.getKey(), inner.getValue(), recent.atMillis());
                    }
                } else {
                    add(byField, field.getKey(), value, recent.atMillis());
                }
            }
        }
        return List.copyOf(byField.values());
    }

    private static void add(Map<String, Series> byField, String field, JsonNode value, long atMillis) {
        if (!value.isNumber()) {
            return;
        }
        Series series = byField.get(field);
        if (series == null) {
            if (byField.size() >= MAX_FIELDS) {
                return;
            }
            series = new Series(field, new ArrayList<>(), new ArrayList<>());
            byField.put(field, series);
        }
        series.atMillis().add(atMillis);
        series.values().add(value.doubleValue());
    }

    /** A payload cut at {@link DeviceActivity#PAYLOAD_KEPT} is no longer JSON: it has no sparkline points. */
    private static JsonNode parse(byte[] payload) {
        if (payload.length == 0 || payload[0] != '{') {
            return null;
        }
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            return null;
        }
    }

    /** The sparklines' section of the device page; nothing when no recent payload has a numeric field. */
    static void render(StringBuilder html, List<Series> series) {
        if (series.isEmpty()) {
            return;
        }
        html.append("<article><h3>Numeric fields</h3><div id=\"sparklines\">");
        for (Series s : series) {
            html.append("<figure class=\"sparkline\" data-field=\"")
                    .append(text(s.field()))
                    .append("\" data-times=\"")
                    .append(String.join(
                            ",",
                            s.atMillis().stream()
                                    .map(millis -> Double.toString(millis / 1000.0))
                                    .toList()))
                    .append("\" data-values=\"")
                    .append(String.join(
                            ",", s.values().stream().map(Sparklines::number).toList()))
                    .append("\"><figcaption><code>")
                    .append(text(s.field()))
                    .append("</code> ")
                    .append(number(s.values().getLast()))
                    .append("</figcaption></figure>");
        }
        html.append("</div></article>");
    }

    /** 1200 rather than 1200.0: the caption shows what the device sent. */
    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : Double.toString(value);
    }
}
