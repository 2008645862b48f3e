package dev.imagine.sandbox;

/** Ground travel modes of the official GoogleDistanceMatrix tool: self-driving (5 per car) and taxi (4 per car). */
public enum TravelMode {
    SELF_DRIVING("self-driving", "Self-driving", 5),
    TAXI("taxi", "Taxi", 4);

    /** The official {@code mode} argument, as it appears in the tool's output text. */
    public final String mode;
    /** The reference-information key prefix: "Self-driving from A to B". */
    public final String title;
    /** People per car: the cost is paid {@code ceil(people / perCar)} times. */
    public final int perCar;

    TravelMode(String mode, String title, int perCar) {
        this.mode = mode;
        this.title = title;
        this.perCar = perCar;
    }
}
