package com.example.host;

import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.CaptureMode;
import io.ciaf.api.Stage;

/** Captures sync calls as fast as it can, printing "returned N" after each call returns; killed by the test. */
public final class FloodApp {

    private FloodApp() {
    }

    @CaptureMetadata(model = "flood", stage = Stage.INFERENCE, event = "predict", mode = CaptureMode.SYNC)
    static long predict(long seq) {
        return seq * 2;
    }

    public static void main(String[] args) {
        long limit = args.length > 0 ? Long.parseLong(args[0]) : Long.MAX_VALUE;
        for (long i = 0; i < limit; i++) {
            predict(i);
            System.out.println("returned " + i);
        }
    }
}
