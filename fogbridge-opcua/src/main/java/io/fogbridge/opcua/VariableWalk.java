package io.fogbridge.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.ArrayList;
import java.util.HashSet;
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
 * The variables below a server's Objects folder for a discovery scan: hierarchical references followed forward, the
 * server's own namespace 0 (the Server object and its diagnostics) left out, each node visited once, and the walk
 * bounded three ways so a huge address space ends quickly: {@code depth} levels, {@link #MAX_NODES} browsed nodes,
 * {@code maxItems} variables. Each variable gets an item name from its browse path below Objects ({@code Tank.Level}),
 * made a valid id (at most 64 characters) and unique. Not thread-safe; one per scan of one server.
 */
final class VariableWalk {

    static final int MAX_NODES = 500;

    /** A variable found: item name, node id in text form, data type name and the current user's access. */
    record Variable(String name, String nodeId, String dataType, String access) {}

    private final OpcUaClient client;
    private final int depth;
    private final int maxItems;
    private final long timeoutSeconds;
    private final Set<NodeId> seen = new HashSet<>();
    private final Set<String> names = new HashSet<>();
    private final List<Variable> variables = new ArrayList<>();

    VariableWalk(OpcUaClient client, int depth, int maxItems, long timeoutSeconds) {
        this.client = client;
        this.depth = depth;
        this.maxItems = maxItems;
        this.timeoutSeconds = timeoutSeconds;
    }

    List<Variable> variables() throws Exception {
        visit(NodeIds.ObjectsFolder, "", 0);
        return List.copyOf(variables);
    }

    private void visit(NodeId node, String path, int level) throws Exception {
        if (level >= depth || seen.size() >= MAX_NODES || !seen.add(node)) {
            return;
        }
        List<ReferenceDescription> children = new ArrayList<>();
        List<NodeId> ids = new ArrayList<>();
        for (ReferenceDescription child : browse(node)) {
            Optional<NodeId> id = child.getNodeId().toNodeId(client.getNamespaceTable());
            if (id.isPresent() && id.get().getNamespaceIndex().intValue() != 0) {
                children.add(child);
                ids.add(id.get());
            }
        }
        List<DataValue> attributes = attributes(children, ids);
        int v = 0;
        for (int i = 0; i < children.size(); i++) {
            ReferenceDescription child = children.get(i);
            String childPath = path.isEmpty()
                    ? child.getBrowseName().name()
                    : path + "." + child.getBrowseName().name();
            if (child.getNodeClass() == NodeClass.Variable) {
                if (variables.size() < maxItems) {
                    variables.add(new Variable(
                            uniqueName(childPath),
                            ids.get(i).toParseableString(),
                            dataType(attributes.get(2 * v)),
                            access(attributes.get(2 * v + 1))));
                }
                v++;
            }
            if (variables.size() >= maxItems) {
                return;
            }
            visit(ids.get(i), childPath, level + 1);
        }
    }

    private List<ReferenceDescription> browse(NodeId node) throws Exception {
        BrowseResult result = client.browseAsync(new BrowseDescription(
                        node,
                        BrowseDirection.Forward,
                        NodeIds.HierarchicalReferences,
                        true,
                        uint(NodeClass.Object.getValue() | NodeClass.Variable.getValue()),
                        uint(BrowseResultMask.All.getValue())))
                .get(timeoutSeconds, TimeUnit.SECONDS);
        ReferenceDescription[] references = result.getReferences();
        return references == null ? List.of() : List.of(references);
    }

    /** DataType and UserAccessLevel of each variable among {@code children}, in one Read. */
    private List<DataValue> attributes(List<ReferenceDescription> children, List<NodeId> ids) throws Exception {
        List<ReadValueId> reads = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            if (children.get(i).getNodeClass() == NodeClass.Variable) {
                reads.add(new ReadValueId(ids.get(i), AttributeId.DataType.uid(), null, QualifiedName.NULL_VALUE));
                reads.add(
                        new ReadValueId(ids.get(i), AttributeId.UserAccessLevel.uid(), null, QualifiedName.NULL_VALUE));
            }
        }
        if (reads.isEmpty()) {
            return List.of();
        }
        return List.of(client.readAsync(0, TimestampsToReturn.Neither, reads)
                .get(timeoutSeconds, TimeUnit.SECONDS)
                .getResults());
    }

    /** The browse path as an item name: letters, digits and {@code .-_} only, at most 64, unique in this server. */
    private String uniqueName(String path) {
        String name = path.replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0))) {
            name = "v" + name;
        }
        name = name.substring(0, Math.min(name.length(), 58)); // ids are up to 64, with room for "-NN"
        String unique = name;
        for (int n = 2; !names.add(unique); n++) {
            unique = name + "-" + n;
        }
        return unique;
    }

    private static String dataType(DataValue value) {
        if (!(value.value().value() instanceof NodeId type)) {
            return "?";
        }
        return OpcUaDataType.isBuiltin(type) ? OpcUaDataType.fromNodeId(type).name() : type.toParseableString();
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
