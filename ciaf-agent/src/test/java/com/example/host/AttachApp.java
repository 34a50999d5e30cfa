package com.example.host;

import com.sun.tools.attach.VirtualMachine;
import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.Stage;

/**
 * Calls an annotated method, attaches the CIAF agent to itself (agentmain; as many times as the second argument
 * says, once by default), and calls it again.
 */
public final class AttachApp {

    private AttachApp() {
    }

    @CaptureMetadata(model = "attach", stage = Stage.INFERENCE, event = "predict")
    static int predict(int x) {
        return x + 1;
    }

    public static void main(String[] args) throws Exception {
        System.out.println("before: " + predict(1));
        int times = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        for (int i = 0; i < times; i++) {
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
            try {
                vm.loadAgent(args[0]);
            } finally {
                vm.detach();
            }
        }
        System.out.println("after: " + predict(2) + " " + predict(3));
    }
}
