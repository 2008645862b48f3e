package dev.imagine.sandbox;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseTest {
    private final Database db = Database.builtIn();
    private final Tools tools = new Tools(db);

    @Test
    void loadsTheOfficialRowsAfterDropna() {
        // 5,047 accommodation rows of which 762 have an empty cell (README quirk 15)
        assertEquals(5047 - 762, db.accommodations().size());
        assertEquals(9551, db.restaurants().size());
        assertEquals(5302, db.attractions().size());
        assertEquals(7583, db.flightCount());
        assertEquals(312, db.allCities().size());
    }

    @Test
    void flightSearchByRouteAndDate() {
        List<Flight> f = tools.flights("St. Petersburg", "Rockford", "2022-03-16");
        assertEquals(1, f.size());
        assertEquals(new Flight("F3573659", 474, "15:40", "17:04", "2 hours 24 minutes", "2022-03-16",
                "St. Petersburg", "Rockford", 1049.0), f.getFirst());
        assertTrue(tools.flights("Rockford", "St. Petersburg", "2022-03-16").isEmpty());
    }

    @Test
    void drivingCostsFollowTheOfficialFormula() {
        // distance.csv: Detroit,Norfolk,,10 hours 55 mins,"1,144 km"
        Drive drive = tools.drive("Detroit", "Norfolk(Virginia)", TravelMode.SELF_DRIVING);
        assertEquals("Norfolk", drive.destination());
        assertEquals(57, drive.cost());                                       // int(1144 * 0.05)
        assertEquals(1144, tools.drive("Detroit", "Norfolk", TravelMode.TAXI).cost());
        assertEquals("self-driving, from Detroit to Norfolk, duration: 10 hours 55 mins, distance: 1,144 km, cost: 57",
                tools.driveText("Detroit", "Norfolk", TravelMode.SELF_DRIVING));
        assertNull(tools.drive("Detroit", "Nowhere", TravelMode.TAXI).cost());
        assertEquals("taxi, from Detroit to Nowhere, no valid information.", tools.driveText("Detroit", "Nowhere", TravelMode.TAXI));
    }

    @Test
    void citiesByStateAndRowsByCity() {
        assertTrue(tools.cities("Texas").contains("Houston"));
        assertEquals("Texas", db.stateOf("Houston"));
        assertFalse(tools.restaurants("Rockford").isEmpty());
        assertTrue(tools.accommodations("Rockford").stream().allMatch(a -> a.city().equals("Rockford")));
        assertTrue(tools.cities("Atlantis").isEmpty());
    }
}
