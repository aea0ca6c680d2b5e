package io.fogbridge.gateway.cli;

import io.fogbridge.api.adapter.AdapterTool;
import java.util.List;
import java.util.ServiceLoader;

/** Runs a converter's command-line tool ({@link AdapterTool}) found on the class path by adapter and name. */
final class AdapterTools {

    private AdapterTools() {}

    static int run(String adapter, String name, List<String> args) throws Exception {
        for (AdapterTool tool : ServiceLoader.load(AdapterTool.class)) {
            if (tool.adapter().equals(adapter) && tool.name().equals(name)) {
                return tool.run(args, System.out, System.err);
            }
        }
        System.err.println("no " + adapter + " " + name + " in this distribution");
        return 1;
    }
}
