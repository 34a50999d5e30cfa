/**
 * Internal, not for public use: canonical JSON, value normalization and id generation shared by the CIAF
 * modules. May change in any release without notice.
 */
package io.ciaf.api.internal;
