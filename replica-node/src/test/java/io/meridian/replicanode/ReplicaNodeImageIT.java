package io.meridian.replicanode;

import io.meridian.node.testing.ContainerImage;
import io.meridian.node.testing.NodeImageChecks;
import org.junit.jupiter.api.Test;

/** replica-node/Dockerfile after mvn package: what it copies exists and its entrypoint runs a node. */
class ReplicaNodeImageIT {
    @Test
    void theImageRunsANode() throws Exception {
        ContainerImage img = NodeImageChecks.image("replica-node");
        NodeImageChecks.version(img, "replica");
        NodeImageChecks.startsAndAnswers(img);
    }
}
