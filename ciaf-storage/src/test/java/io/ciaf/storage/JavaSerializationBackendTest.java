package io.ciaf.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ciaf.api.MetadataQuery;
import io.ciaf.api.MetadataRecord;
import io.ciaf.api.Stage;
import io.ciaf.storage.internal.JavaSerializationFrames;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JavaSerializationBackendTest extends MetadataBackendCompatibilityKit {

    @Override
    protected String backend() {
        return "javaser";
    }

    /** Stands for a deserialization gadget: records whether any instance was ever deserialized. */
    static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;
        static volatile boolean deserialized;

        private void readObject(ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
            in.defaultReadObject();
            deserialized = true;
        }
    }

    private Path dayFile() {
        return dir.resolve("store/m/2026-03-14.ser");
    }

    private static byte[] serialize(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    @Test
    void hostileClassIsRefusedByNameAndNeverInstantiated() throws Exception {
        storage.save(simple("m", Stage.TRAINING, "a", T0));
        // sanity: the gadget does run its readObject when deserialized without a filter
        Gadget.deserialized = false;
        new ObjectInputStream(new java.io.ByteArrayInputStream(serialize(new Gadget()))).readObject();
        assertThat(Gadget.deserialized).isTrue();
        Gadget.deserialized = false;

        // the gadget hidden inside an otherwise valid record's metadata, in a well-formed frame
        ArrayList<Object> list = new ArrayList<>();
        list.add(new Gadget());
        Files.write(dayFile(), JavaSerializationFrames.frame(serialize(list)), StandardOpenOption.APPEND);
        Files.write(dayFile(), JavaSerializationFrames.frame(serialize(new Gadget())), StandardOpenOption.APPEND);

        reopen();
        assertThatThrownBy(() -> storage.query(MetadataQuery.all()))
                .isInstanceOfSatisfying(UnsafeDeserializationException.class,
                        e -> assertThat(e.refusedClass()).isEqualTo(Gadget.class.getName()))
                .hasMessageContaining(Gadget.class.getName()).hasMessageContaining(dayFile().toString())
                .hasMessageContaining("frame 2");
        assertThat(Gadget.deserialized).isFalse();
        assertThat(storage.check()).anySatisfy(p -> assertThat(p.problem()).contains(Gadget.class.getName()));
        assertThat(Gadget.deserialized).isFalse();
    }

    @Test
    void tornFrameIsReportedAndLaterFramesStillLoad() throws Exception {
        MetadataRecord a = simple("m", Stage.TRAINING, "a", T0);
        storage.save(a);
        byte[] whole = Files.readAllBytes(dayFile());
        Files.write(dayFile(), java.util.Arrays.copyOf(whole, whole.length / 2), StandardOpenOption.APPEND);
        MetadataRecord b = simple("m", Stage.TRAINING, "b", T0);
        reopen().save(b);
        assertThat(storage.query(MetadataQuery.all())).containsExactlyInAnyOrder(a, b);
        assertThat(storage.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(dayFile());
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.problem()).contains("incomplete");
        });
    }

    @Test
    void flippedByteFailsTheCrc() throws Exception {
        MetadataRecord a = simple("m", Stage.TRAINING, "a", T0);
        MetadataRecord b = simple("m", Stage.TRAINING, "b", T0);
        storage.saveAll(List.of(a, b));
        byte[] bytes = Files.readAllBytes(dayFile());
        bytes[40] ^= 0x01;
        Files.write(dayFile(), bytes);
        assertThat(reopen().query(MetadataQuery.all())).containsExactly(b);
        assertThat(storage.problems()).singleElement().satisfies(p -> assertThat(p.problem()).contains("CRC32C"));
    }
}
