package io.fogbridge.modbus;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** A JSON string literal for the few hand-built messages (status events, command answers). */
final class JsonText {

    private JsonText() {}

    static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
