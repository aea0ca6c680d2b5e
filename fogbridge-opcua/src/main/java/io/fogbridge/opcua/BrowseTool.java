package io.fogbridge.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.fogbridge.api.adapter.AdapterTool;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseResult;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;

/**
 * {@code fogbridge opcua browse <url> [--node <id>] [--depth N]}: the address space below a node (the Objects folder
 * by default), one line per node, indented by level, so items can be configured without guessing node ids:
 *
 * <pre>
 * ns=1;i=1000  1:Tank  Object
 *   ns=1;s=Counter  1:Counter  Variable  Int32  read
 *   ns=1;s=Setpoint  1:Setpoint  Variable  Double  read,write
 * </pre>
 *
 * Variables show their data type (the built-in name, else the type's node id) and the current user's access level.
 * It follows hierarchical references forward, visits a node once however many paths lead to it, and connects as an
 * endpoint of {@code adapters.opcua} would, with the same security, login and trust store ({@link ToolConnection}).
 * Registered as an {@link AdapterTool}. Stateless.
 */
public final class BrowseTool implements AdapterTool {

    private static final long TIMEOUT_SECONDS = 10;

    @Override
    public String adapter() {
        return "opcua";
    }

    @Override
    public String name() {
        return "browse";
    }

    @Override
    public String usage() {
        return "<url> [--node <id>] [--depth N] " + ToolConnection.USAGE
                + ": node ids, browse names, data types and access levels below a node (default: the Objects folder"
                + " i=85, depth 3)";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        ToolConnection connection;
        NodeId start = NodeIds.ObjectsFolder;
        int depth = 3;
        try {
            connection = ToolConnection.parse(args, Set.of("--node", "--depth"));
            if (!connection.positional().isEmpty()) {
                throw new ToolConnection.UsageError(
                        "unexpected argument " + connection.positional().getFirst());
            }
            String node = connection.option("--node").orElse(null);
            if (node != null && (start = NodeId.parseOrNull(node)) == null) {
                throw new ToolConnection.UsageError("not a node id: " + node + " (such as ns=2;s=Tank or i=85)");
            }
            String levels = connection.option("--depth").orElse("3");
            try {
                depth = Integer.parseInt(levels);
            } catch (NumberFormatException e) {
                depth = -1;
            }
            if (depth < 1) {
                throw new ToolConnection.UsageError("--depth takes a number >= 1, got " + levels);
            }
            connection.endpoint();
        } catch (ToolConnection.UsageError e) {
            err.println(e.getMessage() + "; usage: browse " + usage());
            return 2;
        }
        OpcUaClient client = connection.connect("Fogbridge browse", err);
        if (client == null) {
            return 1;
        }
        try {
            new Walk(client, out, depth).visit(start, 0);
        } finally {
            client.disconnectAsync().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        return 0;
    }

    /** One browse: the nodes seen so far, so a node reached twice is listed once. */
    private record Walk(OpcUaClient client, PrintStream out, int depth, java.util.Set<NodeId> seen) {

        Walk(OpcUaClient client, PrintStream out, int depth) {
            this(client, out, depth, new java.util.HashSet<>());
        }

        void visit(NodeId node, int level) throws Exception {
            if (level >= depth || !seen.add(node)) {
                return;
            }
            List<ReferenceDescription> children = children(node);
            List<ReferenceDescription> variables = children.stream()
                    .filter(r -> r.getNodeClass() == NodeClass.Variable)
                    .toList();
            List<DataValue> attributes = attributes(variables);
            int v = 0;
            for (ReferenceDescription child : children) {
                Optional<NodeId> id = child.getNodeId().toNodeId(client.getNamespaceTable());
                if (id.isEmpty()) {
                    continue; // on another server
                }
                StringBuilder line = new StringBuilder("  ".repeat(level))
                        .append(id.get().toParseableString())
                        .append("  ")
                        .append(browseName(child.getBrowseName()))
                        .append("  ")
                        .append(child.getNodeClass());
                if (child.getNodeClass() == NodeClass.Variable) {
                    line.append("  ")
                            .append(dataType(attributes.get(2 * v)))
                            .append("  ")
                            .append(access(attributes.get(2 * v + 1)));
                    v++;
                }
                out.println(line);
                visit(id.get(), level + 1);
            }
        }

        private List<ReferenceDescription> children(NodeId node) throws Exception {
            BrowseResult result = client.browseAsync(new BrowseDescription(
                            node,
                            BrowseDirection.Forward,
                            NodeIds.HierarchicalReferences,
                            true,
                            uint(NodeClass.Object.getValue()
                                    | NodeClass.Variable.getValue()
                                    | NodeClass.Method.getValue()),
                            uint(BrowseResultMask.All.getValue())))
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            ReferenceDescription[] references = result.getReferences();
            return references == null ? List.of() : List.of(references);
        }

        /** DataType and UserAccessLevel of each variable, in one Read. */
        private List<DataValue> attributes(List<ReferenceDescription> variables) throws Exception {
            List<ReadValueId> reads = new ArrayList<>();
            for (ReferenceDescription variable : variables) {
                NodeId id = variable.getNodeId()
                        .toNodeId(client.getNamespaceTable())
                        .orElse(NodeId.NULL_VALUE);
                reads.add(new ReadValueId(id, AttributeId.DataType.uid(), null, QualifiedName.NULL_VALUE));
                reads.add(new ReadValueId(id, AttributeId.UserAccessLevel.uid(), null, QualifiedName.NULL_VALUE));
            }
            if (reads.isEmpty()) {
                return List.of();
            }
            return List.of(client.readAsync(0, TimestampsToReturn.Neither, reads)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .getResults());
        }

        private static String browseName(QualifiedName name) {
            return name.namespaceIndex().intValue() + ":" + name.name();
        }

        private static String dataType(DataValue value) {
            if (!(value.value().value() instanceof NodeId type)) {
                return "?";
            }
            return OpcUaDataType.isBuiltin(type)
                    ? OpcUaDataType.fromNodeId(type).name()
                    : type.toParseableString();
        }

        private static String access(DataValue value) {
            if (!(value.value().value() instanceof UByte bits)) {
                return "?";
            }
            boolean read = (bits.intValue() & 1) != 0;
            boolean write = (bits.intValue() & 2) != 0;
            return read && write ? "read,write" : read ? "read" : write ? "write" : "none";
        }
    }
}
