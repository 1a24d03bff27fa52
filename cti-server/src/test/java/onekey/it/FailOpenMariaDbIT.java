package onekey.it;

import onekey.testkit.Engines;
import onekey.testkit.Stack;

/** Every test of {@link FailOpenIT} with the cti-server on a private MariaDB instead of H2 (issue 10, test 3). */
class FailOpenMariaDbIT extends FailOpenIT {

    @Override
    Stack newStack() {
        return Engines.stack("mariadb");
    }

    @Override
    String engine() {
        return "mariadb";
    }
}
