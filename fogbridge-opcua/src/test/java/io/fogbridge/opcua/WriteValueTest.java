package io.fogbridge.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.junit.jupiter.api.Test;

/** JSON values of a {@code write} command as the node's built-in type, or refused before the Write is sent. */
class WriteValueTest {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @Test
    void numbersTakeTheNodesTypeExactly() throws Exception {
        assertThat(WriteValue.of(json("42"), NodeIds.Int32)).isEqualTo(42);
        assertThat(WriteValue.of(json("42"), NodeIds.Double)).isEqualTo(42.0);
        assertThat(WriteValue.of(json("0.1"), NodeIds.Float)).isEqualTo(0.1f);
        assertThat(WriteValue.of(json("255"), NodeIds.Byte)).isEqualTo(UByte.valueOf(255));
        assertThat(WriteValue.of(json("4294967295"), NodeIds.UInt32)).isEqualTo(UInteger.valueOf(4294967295L));
        assertThat(WriteValue.of(json("-5"), NodeIds.Int16)).isEqualTo((short) -5);
    }

    @Test
    void aValueThatDoesNotFitIsRefused() {
        assertThatThrownBy(() -> WriteValue.of(json("1.5"), NodeIds.Int32)).hasMessageContaining("does not fit Int32");
        assertThatThrownBy(() -> WriteValue.of(json("256"), NodeIds.Byte)).hasMessageContaining("does not fit Byte");
        assertThatThrownBy(() -> WriteValue.of(json("-1"), NodeIds.UInt16)).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> WriteValue.of(json("\"on\""), NodeIds.Boolean))
                .hasMessageContaining("expected Boolean");
        assertThatThrownBy(() -> WriteValue.of(json("[1,2]"), NodeIds.Int32)).hasMessageContaining("scalar");
        assertThatThrownBy(() -> WriteValue.of(json("1"), NodeId.parse("ns=2;i=3001")))
                .hasMessageContaining("not a built-in");
    }

    @Test
    void booleansAndStrings() throws Exception {
        assertThat(WriteValue.of(json("true"), NodeIds.Boolean)).isEqualTo(true);
        assertThat(WriteValue.of(json("\"tank-2\""), NodeIds.String)).isEqualTo("tank-2");
    }

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
