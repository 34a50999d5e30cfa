/**
 * Extension points. Implementations are found with {@link java.util.ServiceLoader} or registered in code;
 * CIAF guards every call so that a plugin's exception is reported, never thrown into the application.
 */
package io.ciaf.api.spi;
