package io.fogbridge.gateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code fogbridge opcua browse <url>} and {@code fogbridge opcua sample <url> <nodeId>} run the converter's own tools ({@link io.fogbridge.api.adapter.AdapterTool}, found by name), so the
 * gateway needs none of the converter's classes to compile.
 *
 * <p>{@code fogbridge opcua trust <file>}: trusts an OPC UA server certificate the converter refused. The converter saves
 * what it refuses to {@code <gateway.dataDir>/opcua/pki/rejected/} and reads {@code pki/trusted/} at every connect; so
 * trusting is moving the file from one folder to the other, and the endpoint connects at its next reconnect without a
 * restart. Only files, no converter class: the gateway names none of the converter's types.
 */
@Command(
        name = "opcua",
        mixinStandardHelpOptions = true,
        description = "Trust OPC UA server certificates, browse servers' address spaces and sample live values.",
        subcommands = {OpcUaCommand.Trust.class, OpcUaCommand.Browse.class, OpcUaCommand.Sample.class})
final class OpcUaCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "browse",
            mixinStandardHelpOptions = true,
            description = {
                "fogbridge opcua browse <url> [--node <id>] [--depth N]: node ids, browse names, data types and access"
                        + " levels below a node (default: the Objects folder, depth 3), to configure items without"
                        + " guessing node ids. Connects as an endpoint would: [--policy P --mode M] [--user U"
                        + " --password-file F | --user-cert F --user-key F] [--data-dir <gateway.dataDir>] (the"
                        + " gateway's certificate and trust store, needed by a secured policy)."
            })
    static final class Browse implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>(); // picocli adds to it: a List.of() made every call fail

        @Override
        public Integer call() throws Exception {
            return AdapterTools.run("opcua", "browse", args);
        }
    }

    @Command(
            name = "sample",
            mixinStandardHelpOptions = true,
            description = {
                "fogbridge opcua sample <url> <nodeId>... [--count N] [--interval 500ms]: subscribes to the nodes and"
                        + " prints each value the server sends (time, node id, value, quality) until N were printed"
                        + " (default 10). Takes the connection options of browse."
            })
    static final class Sample implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>(); // picocli adds to it: a List.of() made every call fail

        @Override
        public Integer call() throws Exception {
            return AdapterTools.run("opcua", "sample", args);
        }
    }

    @Command(
            name = "trust",
            mixinStandardHelpOptions = true,
            description = {
                "Trust a server certificate: a file the converter saved to <gateway.dataDir>/opcua/pki/rejected/ is"
                        + " moved to pki/trusted/; any other certificate file (DER or PEM) is copied there with"
                        + " --data-dir. Compare the printed SHA-1 thumbprint with the server's before you trust it."
            })
    static final class Trust implements Callable<Integer> {
        @Parameters(paramLabel = "<file>", description = "the server certificate (DER or PEM)")
        Path file;

        @Option(
                names = "--data-dir",
                paramLabel = "<dir>",
                description = "the gateway's gateway.dataDir (needed when <file> is not in pki/rejected/)")
        Path dataDir;

        @Override
        public Integer call() {
            X509Certificate certificate;
            try (InputStream in = Files.newInputStream(file)) {
                certificate = (X509Certificate)
                        CertificateFactory.getInstance("X.509").generateCertificate(in);
            } catch (IOException | GeneralSecurityException | ClassCastException e) {
                System.err.println("not a certificate: " + file + " (" + e.getMessage() + ")");
                return 1;
            }
            Path folder = file.toAbsolutePath().getParent();
            boolean rejected = folder.getFileName().toString().equals("rejected");
            Path trusted;
            if (dataDir != null) {
                trusted = dataDir.resolve("opcua").resolve("pki").resolve("trusted");
            } else if (rejected) {
                trusted = folder.resolveSibling("trusted");
            } else {
                System.err.println(file + " is not in the converter's pki/rejected/ folder: give --data-dir <dir>");
                return 1;
            }
            try {
                Files.createDirectories(trusted);
                Path target = trusted.resolve(file.getFileName());
                if (rejected) {
                    Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
                System.out.printf(
                        "trusted %s%n  SHA-1 %s%n  now %s: endpoints to this server connect at their next reconnect%n",
                        certificate.getSubjectX500Principal().getName(),
                        HexFormat.ofDelimiter(":")
                                .withUpperCase()
                                .formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded())),
                        target);
                return 0;
            } catch (IOException | GeneralSecurityException e) {
                System.err.println("cannot trust " + file + ": " + e.getMessage());
                return 1;
            }
        }
    }
}
