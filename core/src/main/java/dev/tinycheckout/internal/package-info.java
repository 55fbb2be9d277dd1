/** Implementation shared across core packages. Not API: anything here may change in any release. */
@NullMarked
package dev.tinycheckout.internal;

import org.jspecify.annotations.NullMarked;
