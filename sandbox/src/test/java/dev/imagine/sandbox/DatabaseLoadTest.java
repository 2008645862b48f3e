package dev.imagine.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Database.load on an official-layout folder: gzip files accepted, extra columns, dropna over all columns, bad rows named. */
class DatabaseLoadTest {
    @TempDir
    Path dir;

    private void copyBuiltIn(String relative) throws IOException {
        Path target = dir.resolve(relative + ".gz");
        Files.createDirectories(target.getParent());
        try (InputStream in = Database.class.getResourceAsStream("/dev/imagine/sandbox/database/" + relative + ".gz")) {
            Files.copy(in, target);
        }
    }

    private void copyAllButFlights() throws IOException {
        for (String f : List.of(Database.ACCOMMODATIONS, Database.ATTRACTIONS, Database.RESTAURANTS, Database.DISTANCES, Database.CITY_STATES))
            copyBuiltIn(f);
        Files.createDirectories(dir.resolve("flights"));
    }

    @Test
    void officialFlightsLayoutWithIndexColumnAndEmptyCells() throws IOException {
        copyAllButFlights();
        Files.writeString(dir.resolve(Database.FLIGHTS), """
                ,Flight Number,Price,DepTime,ArrTime,ActualElapsedTime,FlightDate,OriginCityName,DestCityName,Distance,Extra
                0,F1,100,10:00,11:00,1 hours 0 minutes,2022-03-01,"Dallas",Houston,300.0,x
                1,F2,120,12:00,13:00,1 hours 0 minutes,2022-03-01,Dallas,Houston,300.0,
                2,F3,,12:00,13:00,1 hours 0 minutes,2022-03-01,Dallas,Houston,300.0,x
                3,F1,90,12:00,13:00,1 hours 0 minutes,2022-03-02,Houston,Dallas,300.0,x
                """);
        Database db = Database.load(dir);
        assertEquals(2, db.flightCount());   // F2 has an empty Extra cell, F3 an empty Price: dropna drops both
        assertEquals(List.of("F1"), db.flights("Dallas", "Houston", "2022-03-01").stream().map(Flight::number).toList());
        // Price has a NaN before dropna: pandas makes the column float64, and so do we
        assertEquals(ColumnKind.FLOAT, db.flights.priceKind);
        SandboxLookup lookup = new SandboxLookup(db);
        assertEquals(100.0, lookup.firstFlightPrice("F1"));
        assertTrue(lookup.flightExists("F1", "Houston", "Dallas"));
    }

    @Test
    void badRowsAreNamedByFileLineAndField() throws IOException {
        copyAllButFlights();
        Files.writeString(dir.resolve(Database.FLIGHTS), """
                Flight Number,Price,DepTime,ArrTime,ActualElapsedTime,FlightDate,OriginCityName,DestCityName,Distance
                F1,100,10:00,11:00,1 hours 0 minutes,2022-03-01,Dallas,Houston,300.0
                F2,cheap,10:00,11:00,1 hours 0 minutes,2022-03-01,Dallas,Houston,300.0
                """);
        var e = assertThrows(SandboxException.class, () -> Database.load(dir));
        assertTrue(e.getMessage().contains("clean_Flights_2022.csv line 3: field 'Price' is not a number: 'cheap'"), e.getMessage());

        Files.writeString(dir.resolve(Database.FLIGHTS), "Flight Number,Price\nF1,3\n");
        var missing = assertThrows(SandboxException.class, () -> Database.load(dir));
        assertTrue(missing.getMessage().contains("missing column 'DepTime'"), missing.getMessage());

        Files.delete(dir.resolve(Database.FLIGHTS));
        var absent = assertThrows(SandboxException.class, () -> Database.load(dir));
        assertTrue(absent.getMessage().contains("database file missing"), absent.getMessage());
    }
}
