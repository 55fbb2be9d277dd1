/**
 * The consent audit trail: what each customer agreed to (or withdrew), as a tamper-evident,
 * privacy-respecting hash chain.
 *
 * <ul>
 *   <li>{@link dev.tinycheckout.consent.ConsentAudit} is the engine applications use: it records
 *       {@link dev.tinycheckout.consent.ConsentEvidence} in the caller's transaction (the
 *       checkout's), verifies the trail, exports a customer's entries and erases their personal
 *       data.
 *   <li>{@link dev.tinycheckout.consent.ConsentLog} is the storage SPI: an append-only chain of
 *       {@link dev.tinycheckout.consent.ConsentEntry} plus the per-subject {@link
 *       dev.tinycheckout.consent.SubjectKey keys}.
 *   <li>{@link dev.tinycheckout.consent.ConsentChain} verifies any trail offline, against a {@link
 *       dev.tinycheckout.consent.ConsentHead checkpoint} if one was kept.
 *   <li>{@link dev.tinycheckout.consent.MerkleTree}, {@link
 *       dev.tinycheckout.consent.CheckpointSigner} and {@link
 *       dev.tinycheckout.consent.CheckpointVerifier} sign and check checkpoints of the trail's
 *       Merkle tree (RFC 9162, C2SP signed notes); {@link dev.tinycheckout.consent.ConsentWitness}
 *       is a customer's copy of their order's entries with proofs, for the receipt.
 * </ul>
 *
 * <p>The trail holds no email or name in clear: customers appear as {@link
 * dev.tinycheckout.consent.SubjectId pseudonyms} keyed by a shop secret, and their personal data
 * only sealed under their own key, so erasing a customer (deleting the key) leaves every hash
 * verifiable. The exact bytes that are hashed are documented on {@link
 * dev.tinycheckout.consent.ConsentEntry}.
 */
@NullMarked
package dev.tinycheckout.consent;

import org.jspecify.annotations.NullMarked;
