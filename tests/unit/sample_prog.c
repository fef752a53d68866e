// A tiny static i386 program for test_elf: code, read-only data,
// initialised data and bss, so its ELF has the usual PT_LOAD segments.

static const char greeting[] = "hello from a sample ELF";
static volatile int counter = 3;
static volatile char scratch[20000];

void _start(void)
{
	for (unsigned i = 0; i < sizeof scratch; i++)
		scratch[i] = greeting[i % sizeof greeting] + counter;
	for (;;)
		counter++;
}
