package onekey.lines;

import java.util.List;
import java.util.Optional;

public interface LineRepository {
    Optional<Line> find(String number);

    List<Line> all();

    /** Insert or replace by number. */
    void save(Line line);
}
