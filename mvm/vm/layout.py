"""The layout of the VM's state: indices into its numpy arrays, status codes, trap codes.

Input: nothing. Output: integer constants shared by the interpreter loop (``interp``), the Python side of the
VM (``machine``) and any later tier that reads or resumes a VM state (the JIT, the debugger). Every name here
that is an upper-case ``int`` is copied into the generated interpreter source, so changing a value changes the
generated file's content hash and can never reuse a stale compiled loop.

Arrays of one VM state (all owned by Python, passed to the loop on every call):

- ``st`` int64 ``(ST_SIZE,)``: the registers of the machine itself (``ST_*`` below).
- ``ctl`` int64 ``(CTL_SIZE,)``: what the host asks of the loop: step budget, fuel, cancel flag.
- ``frames`` int64 ``(capacity, 4)``: one row per active call, outermost first (``FR_*``).
- ``objs`` int64 ``(capacity, 7)``: the object table; an array handle is a row index (``OBJ_*``). Row 0 is
  never used, so a zero handle is always invalid.
- ``funcs`` int64 ``(nfuncs, 4)``: the function table (``FN_*``).
"""

# --- st: machine state -------------------------------------------------------------------------------------
ST_PC = 0            # pc of the next instruction to execute
ST_DEPTH = 1         # number of active frames (0 once halted)
ST_HF_TOP = 2        # elements used in the float heap HF
ST_HI_TOP = 3        # elements used in the int heap HI
ST_NOBJ = 4          # rows used in the object table (row 0 reserved)
ST_COUNT = 5         # instructions executed so far
ST_TRAP = 6          # trap code of the last TRAP status (TRAP_*), written by the loop
ST_TRAP_A = 7        # trap arguments (meaning per trap code below); the loop leaves the failing instruction
ST_TRAP_B = 8        # unexecuted, so the host decodes them from its registers and fills these in
ST_NEED_KIND = 9     # what a GROW status asks for (NEED_*)
ST_NEED_AMOUNT = 10  # the size that array must reach (elements, rows)
ST_FREE = 11         # head of the list of free object-table rows (0: none); a free row's OBJ_OFF links the next
ST_HOST = 12         # host-call index of the last HOST status
ST_RECORD = 13       # record index a RET_REC halt returned (-1 otherwise)
ST_HEAP_LIMIT = 14   # heap limit in bytes (8 bytes per element of HF and HI)
ST_MAX_DEPTH = 15    # call depth limit (frames)
ST_STATUS = 16       # status of the last return to the host
ST_MAX_FI = 17       # the largest int frame of any function (CALL's fast path relies on it)
ST_MAX_FF = 18       # the largest float frame of any function
ST_SIZE = 24

# --- ctl: requests of the host -----------------------------------------------------------------------------
CTL_STEPS = 0        # instructions the loop may still execute in this call (decremented by the loop)
CTL_FUEL = 1         # instructions the run may still execute in total (decremented by the loop)
CTL_CANCEL = 2       # non-zero: stop with CANCEL (polled every 4096 instructions)
CTL_SIZE = 4

CANCEL_POLL_MASK = 4095  # the loop polls CTL_CANCEL when (budget left & mask) == 0

# --- frames ------------------------------------------------------------------------------------------------
FR_FUNC = 0          # function index
FR_RET = 1           # pc where the caller resumes (-1 for the outermost frame)
FR_IBASE = 2         # base of the frame's window into I
FR_FBASE = 3         # base of the frame's window into F
FR_COLS = 4

# --- object table ------------------------------------------------------------------------------------------
OBJ_KIND = 0         # KIND_FLOAT (data in HF) or KIND_INT (data in HI)
OBJ_NDIM = 1         # 1 or 2
OBJ_OFF = 2          # offset of element 0 in its heap
OBJ_LEN = 3          # len(): elements of a 1-D array, rows of a 2-D one
OBJ_COLS = 4         # columns (1 for a 1-D array); the array holds OBJ_LEN * OBJ_COLS elements, row-major
OBJ_NF = 5           # element count if a float array, else 0: ALOAD_F/ASTORE_F check kind and bounds at once
OBJ_NI = 6           # element count if an int array, else 0
OBJ_COLS_N = 7

KIND_FLOAT = 0
KIND_INT = 1

# --- function table ----------------------------------------------------------------------------------------
FN_ENTRY = 0
FN_FRAME_I = 1
FN_FRAME_F = 2
FN_END = 3
FN_COLS = 4

# --- statuses: why the loop returned -----------------------------------------------------------------------
S_HALT = 1           # the outermost frame returned; the result is in I[0]/F[0] or record ST_RECORD
S_TRAP = 2           # a runtime error: ST_TRAP, ST_TRAP_A, ST_TRAP_B; pc is the failing instruction
S_HOST = 3           # a host call (print) ST_HOST; pc is already the next instruction
S_BREAK = 4          # the breakpoint flag of pc is set; nothing was executed at pc
S_STEP = 5           # the step budget CTL_STEPS is used up
S_FUEL = 6           # the fuel CTL_FUEL is used up (and the step budget is not)
S_CANCEL = 7         # CTL_CANCEL was set
S_GROW = 8           # an array must grow first: ST_NEED_KIND to ST_NEED_AMOUNT; pc not advanced

# --- what a GROW status asks for ---------------------------------------------------------------------------
NEED_HF = 1          # float heap, elements
NEED_HI = 2          # int heap, elements
NEED_OBJ = 3         # object table, rows
NEED_I = 4           # int register file, registers
NEED_F = 5           # float register file, registers
NEED_FRAMES = 6      # frame stack, rows

# --- trap codes (arguments A, B as the host decodes them) ---------------------------------------------------
TRAP_MESSAGE = 1     # TRAP instruction: A = string index
TRAP_INDEX = 2       # A = index, B = length
TRAP_ROW = 3         # A = row index, B = rows
TRAP_COL = 4         # A = column index, B = columns
TRAP_DIV_ZERO = 5    # integer division by zero
TRAP_MOD_ZERO = 6    # integer modulo by zero
TRAP_NEG_SIZE = 7    # A = requested size
TRAP_BAD_HANDLE = 8  # A = handle
TRAP_BAD_KIND = 9    # A = handle, B = the kind it has
TRAP_NEG_EXP = 10    # A = exponent
TRAP_F2I = 11        # A = float register (of the current frame) holding the value
TRAP_CALL_DEPTH = 12  # A = depth limit
TRAP_HEAP_LIMIT = 13  # A = rows (or length), B = columns of the array that does not fit
TRAP_RANDINT = 14    # A = lo, B = hi
TRAP_RET_REC = 15    # RET_REC outside the outermost frame
TRAP_BAD_OPCODE = 16  # A = opcode

STATUS_NAMES = {S_HALT: "halt", S_TRAP: "trap", S_HOST: "host", S_BREAK: "break", S_STEP: "step",
                S_FUEL: "fuel", S_CANCEL: "cancel", S_GROW: "grow"}


def int_constants() -> dict[str, int]:
    """Every upper-case int constant of this module, by name (what the generated interpreter includes)."""
    return {k: v for k, v in globals().items() if k.isupper() and type(v) is int}
