package io.meridian.drbridge;

import io.meridian.node.testing.ContainerImage;
import io.meridian.node.testing.NodeImageChecks;
import org.junit.jupiter.api.Test;

/** dr-bridge/Dockerfile after mvn package: what it copies exists and its entrypoint runs the bridge's main. */
class DrBridgeImageIT {
    @Test
    void theImageRunsTheBridgesMain() {
        ContainerImage img = NodeImageChecks.image("dr-bridge");
        NodeImageChecks.version(img, "dr-bridge");
    }
}
