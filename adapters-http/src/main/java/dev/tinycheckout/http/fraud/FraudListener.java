package dev.tinycheckout.http.fraud;

/**
 * Hears about flags of a {@link FraudGuard}, to alert someone or count them in a metrics system.
 * Every method has a no-op default, so an implementation overrides what it needs, and methods added
 * later do not break it.
 *
 * <p>Methods are called on the thread that recorded the attempt or outcome, after the guard's state
 * was updated and outside its locks; they must be quick and thread-safe. An exception they throw is
 * logged and otherwise ignored.
 */
public interface FraudListener {

  /** A listener that ignores everything. */
  FraudListener NONE = new FraudListener() {};

  /**
   * A rule has just blocked a client address or an email. Called once per block, not for each
   * attempt the block refuses.
   *
   * @param flag the rule, the subject and how long it is blocked
   */
  default void flagged(FraudFlag flag) {}

  /**
   * A site-wide decline spike has started. Called once per spike.
   *
   * @param spike the window's counts and the baseline it was compared with
   */
  default void spike(DeclineSpike spike) {}
}
