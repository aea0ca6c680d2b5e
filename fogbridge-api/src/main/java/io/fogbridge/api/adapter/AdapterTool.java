package io.fogbridge.api.adapter;

import java.io.PrintStream;
import java.util.List;

/**
 * An operator command a converter offers on the command line, {@code fogbridge <adapter> <name> <args>}: for example
 * {@code fogbridge opcua browse <url>} to find node ids. Registered once in
 * {@code META-INF/services/io.fogbridge.api.adapter.AdapterTool}; the CLI finds tools with {@link
 * java.util.ServiceLoader} and names none of the converter's classes.
 *
 * <p>A tool runs once in the CLI's process, in the foreground: it may block (connect to a device, wait for its
 * answers) and owns its argument syntax. It writes results to {@code out} and problems to {@code err}, and returns
 * the process exit status: 0 done, 1 the device or the arguments said no, 2 a usage error. Tools are stateless; they
 * need a public no-argument constructor.
 */
public interface AdapterTool {

    /** The adapter it belongs to, the first word after {@code fogbridge}: {@code opcua}. */
    String adapter();

    /** The command's name, the second word: {@code browse}. */
    String name();

    /** One line for the CLI's help: the arguments and what the tool prints. */
    String usage();

    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
