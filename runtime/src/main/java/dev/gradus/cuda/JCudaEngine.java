package dev.gradus.cuda;

import static jcuda.driver.JCudaDriver.cuCtxCreate;
import static jcuda.driver.JCudaDriver.cuCtxDestroy;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import dev.gradus.tensor.DType;
import dev.gradus.tensor.Tensor;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.CudaException;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The {@link CudaEngine} on JCuda's driver API (cuInit, contexts, cuModuleLoadData of PTX
 * text, cuLaunchKernel, cuMemAlloc/cuMemAllocHost and synchronous copies on the null stream).
 * The only class of Gradus that refers to JCuda; {@link Cuda} loads it by name, so JCuda
 * loads only when CUDA is asked for.
 */
final class JCudaEngine implements CudaEngine {
    private static final int BLOCK = 256;
    // Enough blocks to fill any current GPU several times over; the grid-stride loop covers the rest.
    private static final int MAX_GRID = 65535;

    private final KernelSource kernels;
    private final CUcontext context;
    private final String deviceName;
    private final List<Array> arrays = new ArrayList<>();
    private final Map<ModuleKey, CUfunction> functions = new HashMap<>();
    private final List<CUmodule> modules = new ArrayList<>();
    private final CUevent start = new CUevent();
    private final CUevent stop = new CUevent();
    private final float[] elapsed = new float[1];
    private Pointer staging;
    private long stagingBytes;
    private FloatBuffer stagingFloats;
    private DoubleBuffer stagingDoubles;
    private long toDevice;
    private long toHost;
    private long launches;
    private boolean closed;

    private JCudaEngine(KernelSource kernels, CUcontext context, String deviceName) {
        this.kernels = kernels;
        this.context = context;
        this.deviceName = deviceName;
    }

    /** Called by {@link Cuda#open} through reflection. */
    static JCudaEngine open(KernelSource kernels) {
        CUdevice device = firstDevice();
        CUcontext context = new CUcontext();
        try {
            cuCtxCreate(context, 0, device);
        } catch (CudaException e) {
            throw new CudaUnavailableException("CUDA context creation failed: " + e.getMessage(), e);
        }
        JCudaEngine engine = new JCudaEngine(kernels, context, name(device));
        try {
            cuEventCreate(engine.start, 0);
            cuEventCreate(engine.stop, 0);
        } catch (CudaException e) {
            engine.close();
            throw new IllegalStateException("CUDA event creation failed: " + e.getMessage(), e);
        }
        return engine;
    }

    /** Called by {@link Cuda#probe} through reflection: initializes the driver and finds a device. */
    static void probe() {
        firstDevice();
    }

    private static CUdevice firstDevice() {
        JCudaDriver.setExceptionsEnabled(true);
        try {
            cuInit(0);
        } catch (CudaException e) {
            throw new CudaUnavailableException(JCudaFailure.PERMANENT + "the CUDA driver failed to initialize ("
                    + e.getMessage() + "); is there an NVIDIA GPU and driver?", e);
        }
        int[] count = new int[1];
        cuDeviceGetCount(count);
        if (count[0] < 1) {
            throw new CudaUnavailableException(JCudaFailure.PERMANENT + "no CUDA device found", null);
        }
        CUdevice device = new CUdevice();
        cuDeviceGet(device, 0);
        return device;
    }

    private static String name(CUdevice device) {
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        return new String(name, 0, len, StandardCharsets.US_ASCII);
    }

    @Override
    public String deviceName() {
        return deviceName;
    }

    @Override
    public KernelSource kernels() {
        return kernels;
    }

    @Override
    public DeviceArray allocate(DType dtype, int size) {
        checkOpen();
        if (!dtype.isFloat()) {
            throw new IllegalArgumentException("device arrays hold FLOAT32 or FLOAT64, not " + dtype);
        }
        if (size < 1) {
            throw new IllegalArgumentException("a device array needs at least 1 element, got " + size);
        }
        CUdeviceptr ptr = new CUdeviceptr();
        try {
            cuMemAlloc(ptr, (long) size * dtype.byteSize());
        } catch (CudaException e) {
            throw new IllegalStateException("cuMemAlloc of " + size + " " + dtype + " elements failed: " + e.getMessage(), e);
        }
        Array a = new Array(dtype, size, ptr);
        arrays.add(a);
        return a;
    }

    @Override
    public void toDevice(Tensor src, DeviceArray dst) {
        Array a = own(dst);
        checkCopy(src, a);
        int n = src.size();
        long bytes = (long) n * a.dtype.byteSize();
        ensureStaging(bytes);
        if (a.dtype == DType.FLOAT32) {
            if (src.isContiguous()) {
                stagingFloats.put(0, src.float32Data(), src.offset(), n);
            } else {
                float[] data = src.float32Data();
                for (int k = 0; k < n; k++) {
                    stagingFloats.put(k, data[src.storageIndex(k)]);
                }
            }
        } else if (src.isContiguous()) {
            stagingDoubles.put(0, src.float64Data(), src.offset(), n);
        } else {
            double[] data = src.float64Data();
            for (int k = 0; k < n; k++) {
                stagingDoubles.put(k, data[src.storageIndex(k)]);
            }
        }
        try {
            cuMemcpyHtoD(a.ptr, staging, bytes);
        } catch (CudaException e) {
            throw new IllegalStateException("copy of " + n + " elements to the device failed: " + e.getMessage(), e);
        }
        toDevice++;
    }

    @Override
    public void toHost(DeviceArray src, Tensor dst) {
        Array a = own(src);
        checkCopy(dst, a);
        if (!dst.isContiguous()) {
            throw new IllegalArgumentException("toHost needs a contiguous destination tensor");
        }
        int n = dst.size();
        long bytes = (long) n * a.dtype.byteSize();
        ensureStaging(bytes);
        try {
            cuMemcpyDtoH(staging, a.ptr, bytes);
        } catch (CudaException e) {
            throw new IllegalStateException("copy of " + n + " elements to the host failed (or an earlier kernel did): "
                    + e.getMessage(), e);
        }
        if (a.dtype == DType.FLOAT32) {
            stagingFloats.get(0, dst.float32Data(), dst.offset(), n);
        } else {
            stagingDoubles.get(0, dst.float64Data(), dst.offset(), n);
        }
        toHost++;
    }

    private void checkCopy(Tensor t, Array a) {
        if (t.dtype() != a.dtype || t.size() != a.size) {
            throw new IllegalArgumentException("cannot copy between a " + t.dtype() + t.shape() + " tensor and a device array of "
                    + a.size + " " + a.dtype + " elements");
        }
    }

    // One page-locked buffer serves every copy: the copies are synchronous, so it is free again
    // when each returns. It grows to the largest copy and is then reused, run after run.
    private void ensureStaging(long bytes) {
        if (bytes <= stagingBytes) {
            return;
        }
        if (staging != null) {
            cuMemFreeHost(staging);
            staging = null;
            stagingBytes = 0;
        }
        Pointer p = new Pointer();
        try {
            cuMemAllocHost(p, bytes);
        } catch (CudaException e) {
            throw new IllegalStateException("cuMemAllocHost of " + bytes + " bytes failed: " + e.getMessage(), e);
        }
        staging = p;
        stagingBytes = bytes;
        var buffer = p.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
        stagingFloats = buffer.asFloatBuffer();
        stagingDoubles = buffer.asDoubleBuffer();
    }

    @Override
    public KernelLaunch prepare(KernelSpec spec, DType dtype, DeviceArray out, List<DeviceArray> inputArrays, int n) {
        checkOpen();
        if (!dtype.isFloat()) {
            throw new IllegalArgumentException("kernel " + spec.entryName() + ": dtype must be FLOAT32 or FLOAT64, not " + dtype);
        }
        if (inputArrays.size() != spec.inputs().size()) {
            throw new IllegalArgumentException("kernel " + spec.entryName() + " has " + spec.inputs().size() + " inputs, got "
                    + inputArrays.size() + " arrays");
        }
        Array o = own(out);
        checkArray(spec, "out", o, dtype, n);
        NativePointerObject[] params = new NativePointerObject[spec.inputs().size() + 2];
        params[0] = Pointer.to(o.ptr);
        float[][] f32 = new float[spec.inputs().size()][];
        double[][] f64 = new double[spec.inputs().size()][];
        for (int i = 0; i < spec.inputs().size(); i++) {
            DeviceArray given = inputArrays.get(i);
            if (spec.inputs().get(i) == KernelSpec.InputKind.ARRAY) {
                if (given == null) {
                    throw new IllegalArgumentException("kernel " + spec.entryName() + ": input " + i + " is an array but none was given");
                }
                Array a = own(given);
                checkArray(spec, "input " + i, a, dtype, n);
                params[i + 1] = Pointer.to(a.ptr);
            } else {
                if (given != null) {
                    throw new IllegalArgumentException("kernel " + spec.entryName() + ": input " + i
                            + " is a scalar passed by value, not an array");
                }
                if (dtype == DType.FLOAT32) {
                    f32[i] = new float[1];
                    params[i + 1] = Pointer.to(f32[i]);
                } else {
                    f64[i] = new double[1];
                    params[i + 1] = Pointer.to(f64[i]);
                }
            }
        }
        params[params.length - 1] = Pointer.to(new long[] {n});
        CUfunction function = function(spec, dtype);
        int grid = (int) Math.min(MAX_GRID, (n + (long) BLOCK - 1) / BLOCK);
        return new Launch(spec, function, Pointer.to(params), f32, f64, grid);
    }

    private static void checkArray(KernelSpec spec, String what, Array a, DType dtype, int n) {
        if (a.dtype != dtype || a.size < n) {
            throw new IllegalArgumentException("kernel " + spec.entryName() + ": " + what + " is a device array of " + a.size + " "
                    + a.dtype + " elements, needs at least " + n + " " + dtype);
        }
    }

    private CUfunction function(KernelSpec spec, DType dtype) {
        ModuleKey key = new ModuleKey(spec, dtype);
        CUfunction f = functions.get(key);
        if (f != null) {
            return f;
        }
        String ptx = kernels.module(spec, dtype);
        CUmodule module = new CUmodule();
        try {
            cuModuleLoadData(module, ptx);
        } catch (CudaException e) {
            throw new IllegalStateException("the driver refused the PTX of kernel " + spec.entryName() + " (" + dtype + "): "
                    + e.getMessage(), e);
        }
        modules.add(module);
        f = new CUfunction();
        try {
            cuModuleGetFunction(f, module, spec.entryName());
        } catch (CudaException e) {
            throw new IllegalStateException("the PTX module of kernel " + spec.entryName() + " has no entry of that name: "
                    + e.getMessage(), e);
        }
        functions.put(key, f);
        return f;
    }

    @Override
    public void makeCurrent() {
        checkOpen();
        cuCtxSetCurrent(context);
    }

    @Override
    public void synchronize() {
        checkOpen();
        try {
            cuCtxSynchronize();
        } catch (CudaException e) {
            throw new IllegalStateException("CUDA work failed: " + e.getMessage(), e);
        }
    }

    @Override
    public float elapsedMillis(Runnable work) {
        checkOpen();
        cuEventRecord(start, null);
        work.run();
        cuEventRecord(stop, null);
        cuEventSynchronize(stop);
        cuEventElapsedTime(elapsed, start, stop);
        return elapsed[0];
    }

    @Override
    public long copiesToDevice() {
        return toDevice;
    }

    @Override
    public long copiesToHost() {
        return toHost;
    }

    @Override
    public long launches() {
        return launches;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        try {
            cuCtxSetCurrent(context);
        } catch (CudaException e) {
            first = e;
        }
        for (Array a : arrays) {
            first = attempt(first, () -> cuMemFree(a.ptr));
        }
        arrays.clear();
        for (CUmodule m : modules) {
            first = attempt(first, () -> cuModuleUnload(m));
        }
        modules.clear();
        functions.clear();
        if (staging != null) {
            Pointer p = staging;
            first = attempt(first, () -> cuMemFreeHost(p));
            staging = null;
            stagingFloats = null;
            stagingDoubles = null;
        }
        first = attempt(first, () -> cuEventDestroy(start));
        first = attempt(first, () -> cuEventDestroy(stop));
        first = attempt(first, () -> cuCtxDestroy(context));
        if (first != null) {
            throw new IllegalStateException("freeing CUDA resources failed: " + first.getMessage(), first);
        }
    }

    private static RuntimeException attempt(RuntimeException first, Runnable free) {
        try {
            free.run();
            return first;
        } catch (CudaException e) {
            if (first != null) {
                first.addSuppressed(e);
                return first;
            }
            return e;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this CUDA engine is closed");
        }
    }

    private Array own(DeviceArray a) {
        checkOpen();
        if (!(a instanceof Array arr) || arr.engine() != this) {
            throw new IllegalArgumentException("device array " + a + " belongs to another engine");
        }
        return arr;
    }

    private record ModuleKey(KernelSpec spec, DType dtype) {
    }

    private final class Array implements DeviceArray {
        final DType dtype;
        final int size;
        final CUdeviceptr ptr;

        Array(DType dtype, int size, CUdeviceptr ptr) {
            this.dtype = dtype;
            this.size = size;
            this.ptr = ptr;
        }

        JCudaEngine engine() {
            return JCudaEngine.this;
        }

        @Override
        public DType dtype() {
            return dtype;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public String toString() {
            return "DeviceArray[" + size + " " + dtype + "]";
        }
    }

    private final class Launch implements KernelLaunch {
        final KernelSpec spec;
        final CUfunction function;
        final Pointer params;
        final float[][] f32;
        final double[][] f64;
        final int grid;

        Launch(KernelSpec spec, CUfunction function, Pointer params, float[][] f32, double[][] f64, int grid) {
            this.spec = spec;
            this.function = function;
            this.params = params;
            this.f32 = f32;
            this.f64 = f64;
            this.grid = grid;
        }

        @Override
        public void setScalar(int input, double value) {
            if (input < 0 || input >= f32.length || (f32[input] == null && f64[input] == null)) {
                throw new IllegalArgumentException("kernel " + spec.entryName() + ": input " + input + " is not a scalar");
            }
            if (f32[input] != null) {
                f32[input][0] = (float) value;
            } else {
                f64[input][0] = value;
            }
        }

        @Override
        public void launch() {
            checkOpen();
            try {
                cuLaunchKernel(function, grid, 1, 1, BLOCK, 1, 1, 0, null, params, null);
            } catch (CudaException e) {
                throw new IllegalStateException("launch of kernel " + spec.entryName() + " failed: " + e.getMessage(), e);
            }
            launches++;
        }
    }
}
