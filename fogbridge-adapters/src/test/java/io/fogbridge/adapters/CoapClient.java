package io.fogbridge.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.testkit.TestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs libcoap's {@code coap-client-notls} / {@code coap-client-openssl} and reads the response code, options and
 * payload from its output (verbosity 6 logs every PDU it receives).
 */
public final class CoapClient {

    /**
     * @param code    the response code as libcoap prints it ({@code 2.04}, {@code 4.01} …)
     * @param pdu     the logged response PDU line (type, code, options)
     * @param payload what the client wrote to its output file
     */
    public record Result(String code, String pdu, String payload, String log) {}

    private static final Pattern RESPONSE = Pattern.compile("v:1 t:(CON|NON|ACK) c:([245]\\.\\d\\d) .*");

    private CoapClient() {}

    /** {@code binary} is {@code coap-client-notls} or {@code coap-client-openssl}; args go before the URI. */
    public static Result post(String binary, String uri, String payload, String... args)
            throws IOException, InterruptedException {
        Path client = TestEnv.peer(binary);
        Path dir = Files.createTempDirectory("coap");
        try {
            return run(client, dir, uri, payload, args);
        } finally {
            // one directory per call: left behind, they pile up in /tmp build after build
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Result run(Path client, Path dir, String uri, String payload, String... args)
            throws IOException, InterruptedException {
        Path in = Files.writeString(dir.resolve("in"), payload);
        Path out = dir.resolve("out");
        List<String> command = new ArrayList<>(List.of(
                client.toString(), "-m", "post", "-f", in.toString(), "-o", out.toString(), "-v", "6", "-B", "30"));
        command.addAll(List.of(args));
        command.add(uri);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(40, TimeUnit.SECONDS)).as(log).isTrue();
        String pdu = null;
        String code = null;
        for (String line : log.split("\n")) {
            Matcher m = RESPONSE.matcher(line.substring(Math.max(0, line.indexOf("v:1 "))));
            // the last response PDU with a non-empty code is the answer (an empty ACK logs as c:0.00)
            if (line.contains("v:1 ") && m.matches() && !line.contains("** ")) {
                code = m.group(2);
                pdu = line;
            }
        }
        String data = Files.exists(out) ? Files.readString(out) : "";
        return new Result(code, pdu, data, log);
    }
}
