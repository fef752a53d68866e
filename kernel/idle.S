/* idle.S — wait for an interrupt when nothing can run.
 *
 * Its own routine so that the instruction after HLT has a name: the kernel
 * announces it (@idle eip=), and an interrupt that returns there found the
 * kernel idle.  analysis/ files a kernel visit that reached it as idle time
 * instead of a cost (docs/analysis.md).
 */
	.text
	.globl idle_wait, idle_resume
idle_wait:
	sti             # HLT is in STI's shadow: no interrupt slips in before it
	hlt
idle_resume:
	cli
	ret
