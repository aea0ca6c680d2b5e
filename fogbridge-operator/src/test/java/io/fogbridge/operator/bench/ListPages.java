package io.fogbridge.operator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.net.HttpURLConnection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Pages of a list, as an API server gives them: a LIST with {@code limit=N} is answered with the first N items and a
 * {@code metadata.continue} token, and the LIST with that token gets the next N, until the last page, which has none.
 * fabric8's mock server answers every list whole, whatever the limit, so a client that pages (fabric8's informers with
 * a list limit) could not be measured against it.
 *
 * <p>As on an API server, the pages are of one snapshot: the whole list is taken at the first page and its later pages
 * are kept until asked for. A token asked for twice, or never issued, is answered {@code 410 Gone}, the API server's
 * answer to an expired token, after which a client lists again from the start.
 */
final class ListPages {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Token to the pages that follow it, in order. */
    private final Map<String, Deque<ObjectNode>> waiting = new ConcurrentHashMap<>();

    /** The answer to the list {@code path}; {@code whole} answers a path as the stock store does, unpaged. */
    MockResponse list(String path, Function<String, MockResponse> whole) {
        String token = parameter(path, "continue");
        if (token != null) {
            Deque<ObjectNode> rest = waiting.remove(token);
            if (rest == null) {
                return new MockResponse()
                        .setResponseCode(HttpURLConnection.HTTP_GONE)
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                + "\"reason\":\"Expired\",\"code\":410}");
            }
            return next(rest);
        }
        MockResponse answer = whole.apply(path);
        String limit = parameter(path, "limit");
        if (limit == null || answer.code() != HttpURLConnection.HTTP_OK) {
            return answer;
        }
        try {
            ObjectNode list = (ObjectNode) JSON.readTree(answer.getBody().getBytes());
            ArrayNode items = (ArrayNode) list.get("items");
            int size = Integer.parseInt(limit);
            if (size <= 0 || items == null || items.size() <= size) {
                return answer;
            }
            Deque<ObjectNode> split = new ArrayDeque<>();
            for (int from = 0; from < items.size(); from += size) {
                ObjectNode page = list.deepCopy();
                ArrayNode part = page.putArray("items");
                for (int i = from; i < Math.min(items.size(), from + size); i++) {
                    part.add(items.get(i));
                }
                ObjectNode metadata = metadata(page);
                int remaining = items.size() - Math.min(items.size(), from + size);
                if (remaining > 0) {
                    metadata.put("remainingItemCount", remaining);
                }
                split.add(page);
            }
            return next(split);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the stock store answered a list that is no JSON: " + e.getMessage(), e);
        }
    }

    /** The first of {@code pages}, with a token for the rest when there is a rest. */
    private MockResponse next(Deque<ObjectNode> pages) {
        ObjectNode page = pages.removeFirst();
        if (!pages.isEmpty()) {
            String token = UUID.randomUUID().toString();
            metadata(page).put("continue", token);
            waiting.put(token, pages);
        }
        return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(page.toString());
    }

    private static ObjectNode metadata(ObjectNode list) {
        return list.get("metadata") instanceof ObjectNode metadata ? metadata : list.putObject("metadata");
    }

    /** A query parameter's value, decoded; null when the path has none. */
    static String parameter(String path, String name) {
        int query = path.indexOf('?');
        if (query < 0) {
            return null;
        }
        for (String pair : path.substring(query + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
