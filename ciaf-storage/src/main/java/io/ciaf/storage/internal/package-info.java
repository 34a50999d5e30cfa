/**
 * Internal, not for public use: the built-in backends and the file formats. Public only where
 * {@link java.util.ServiceLoader} requires it; may change in any release.
 */
package io.ciaf.storage.internal;
