package io.meridian.masternode;

import io.meridian.node.testing.ContainerImage;
import io.meridian.node.testing.NodeImageChecks;
import org.junit.jupiter.api.Test;

/** master-node/Dockerfile after mvn package: what it copies exists and its entrypoint runs a master. */
class MasterNodeImageIT {
    @Test
    void theImageRunsAMaster() throws Exception {
        ContainerImage img = NodeImageChecks.image("master-node");
        NodeImageChecks.version(img, "master");
        NodeImageChecks.startsAndAnswers(img);
    }
}
