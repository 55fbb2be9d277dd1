/**
 * The storage SPI: {@link dev.tinycheckout.store.CheckoutStorage} runs a {@link
 * dev.tinycheckout.store.UnitOfWork} atomically over the stores of a {@link
 * dev.tinycheckout.store.StorageTransaction}. Storage plug-ins start here.
 */
@NullMarked
package dev.tinycheckout.store;

import org.jspecify.annotations.NullMarked;
