package dev.tinycheckout.consent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.order.OrderId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Java of the section "Every customer a witness" of docs/consent-proofs.md, compiled and run
 * here so that it cannot rot.
 */
class ConsentWitnessGuideTest {
  private static final String PAGE = "docs/consent-proofs.md";
  private static final String SECTION = "## Every customer a witness";
  private static final String SOURCE =
      "core/src/test/java/dev/tinycheckout/consent/ConsentWitnessGuideTest.java";

  @Test
  void theSectionShowsTheCodeThisTestRuns() throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve(PAGE)) && root.getParent() != null) {
      root = root.getParent();
    }
    String page = Files.readString(root.resolve(PAGE));
    assertThat(page).contains(SECTION);
    Matcher block =
        Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL)
            .matcher(page.substring(page.indexOf(SECTION)));
    assertThat(block.find()).as("a ```java block in the section").isTrue();
    String code = Files.readString(root.resolve(SOURCE));
    String tag = "witness";
    String begin = "// tag::" + tag + "[]\n";
    String tagged =
        code.substring(code.indexOf(begin) + begin.length(), code.indexOf("// end::" + tag + "[]"));

    assertThat(normalize(block.group(1))).isEqualTo(normalize(tagged));
  }

  @Test
  void theSectionsCodeCertifiesSendsAndVerifiesAWitness() {
    InMemoryStorage storage = InMemoryStorage.create();
    byte[] subjectSecret = new byte[32];
    byte[] privateKey = OrderTrails.SIGNER.privateKeyPkcs8();
    OrderTrails.append(storage, 3);
    SignedCheckpoint lastPublished =
        ConsentAudit.builder(storage).checkpointSigner(OrderTrails.SIGNER).build().checkpoint();
    OrderId orderId = Trails.orderId(42);
    OrderTrails.append(storage, List.of(orderId, orderId));

    // tag::witness[]
    // The shop: its signing key, kept outside the consent database, and its published verifier key.
    CheckpointSigner signer = CheckpointSigner.fromPkcs8("shop.example/consent", privateKey);
    String verifierKey = signer.verifierKey(); // on https://shop.example/consent-key
    ConsentAudit audit =
        ConsentAudit.builder(storage)
            .subjectSecret(subjectSecret)
            .checkpointSigner(signer)
            .trustedCheckpoint(lastPublished) // the last checkpoint it published
            .build();
    SignedCheckpoint toPublish = audit.checkpoint(); // verifies the trail once; publish it

    // In each order receipt: the order's entries with their proofs, against a fresh checkpoint.
    String witnessText = audit.witnessFor(orderId).orElseThrow().text();
    String email = "Thank you for your order. …\n\n" + witnessText; // what the customer receives

    // The customer, or anyone they ask, with the email and the published verifier key only:
    CheckpointVerifier verifier = CheckpointVerifier.fromVerifierKey(verifierKey);
    ConsentWitness witness = ConsentWitness.parse(email); // finds the block in the whole text
    Checkpoint checkpoint = witness.verify(verifier);

    // Anyone holding two of the shop's checkpoints: the later one must extend the earlier one.
    verifier.verifyConsistency(
        lastPublished,
        witness.checkpoint(),
        audit.consistencyProof(lastPublished.checkpoint().treeSize(), checkpoint.treeSize()));
    // end::witness[]

    assertThat(toPublish.checkpoint().treeSize()).isEqualTo(5);
    assertThat(checkpoint.treeSize()).isEqualTo(5);
    assertThat(witness.inclusions()).extracting(i -> i.entry().sequence()).containsExactly(4L, 5L);
  }

  /** Drops blank lines at both ends, trailing spaces, and the indentation all lines share. */
  private static String normalize(String code) {
    List<String> lines = code.lines().map(String::stripTrailing).toList();
    int from = 0;
    int to = lines.size();
    while (from < to && lines.get(from).isBlank()) {
      from++;
    }
    while (to > from && lines.get(to - 1).isBlank()) {
      to--;
    }
    List<String> kept = lines.subList(from, to);
    int indent =
        kept.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    return kept.stream()
        .map(l -> l.isBlank() ? "" : l.substring(Math.min(indent, l.length())))
        .collect(Collectors.joining("\n"));
  }
}
