package io.meridian.node.ops;

import io.meridian.node.Node;

/** What the management context's beans serve: the node (registered as a singleton by {@link ManagementServer}). */
public record OpsContext(Node node) {}
