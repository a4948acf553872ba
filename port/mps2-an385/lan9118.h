/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMSC/Microchip LAN9118 Ethernet controller (QEMU's mps2-an385 has one at
 * 0x40200000), polled, and its lwIP network interface.
 *
 * The chip is a MAC + PHY with FIFOs behind a 256-byte register window:
 * frames are written into the TX data FIFO as 32-bit words after two command
 * words (A: this buffer's length and first/last-segment flags; B: the whole
 * frame's length and a tag), and read from the RX data FIFO after popping
 * their length from the RX status FIFO. The MAC's own registers (control,
 * address, PHY access) sit behind an indirect window (MAC_CSR_CMD/DATA),
 * the PHY's behind the MAC's MII_ACC/MII_DATA. No interrupts are used: the
 * program polls (lan9118_netif_poll), which is what lwIP's NO_SYS mode wants
 * anyway.
 *
 * Every frame goes through one word-aligned bounce buffer of 1536 bytes (a
 * pbuf chain in, a pbuf out): the FIFOs are word-wide and lwIP's pbufs are
 * not word-sized. Checksums are computed by lwIP, not offloaded.
 */
#ifndef MPS2_LAN9118_H
#define MPS2_LAN9118_H

#include <stddef.h>
#include <stdint.h>

#include "lwip/err.h"

#define LAN9118_FRAME_MAX 1514u /* without the CRC, which the chip adds and strips */

struct lan9118 {
    uintptr_t base;
    uint8_t mac[6];
    /* counters, for diagnosis */
    uint32_t tx_frames, rx_frames;
    uint32_t tx_errors;  /* TX status with its error summary bit */
    uint32_t rx_errors;  /* RX status with its error summary bit, or a bad length */
    uint32_t rx_no_pbuf; /* frames dropped: lwIP's pbuf pool was empty */
    uint32_t polls;      /* lan9118_netif_poll calls (paces the PHY reads) */
};

/* Resets the chip at `base`, checks its identity, reads its MAC address
   (from the EEPROM, as loaded at reset; a locally administered fallback if
   none), starts the PHY's auto-negotiation and enables the transmitter and
   receiver (own address and broadcast; no multicast). Does not wait for the
   link. Returns 0, FERRY_E_NOT_FOUND (no LAN9118 there), FERRY_E_TIMEOUT
   (the chip never came out of reset), FERRY_E_IO (byte order test failed). */
int lan9118_init(struct lan9118 *dev, uintptr_t base);

/* 1 when the PHY reports the link up, else 0. */
int lan9118_link_up(struct lan9118 *dev);

/* Sends one frame of 14..LAN9118_FRAME_MAX bytes from a word-aligned
   buffer (padded to 60 bytes by the chip). Returns 0, FERRY_E_INVAL, or
   FERRY_E_TIMEOUT (the TX FIFO never had room). */
int lan9118_send(struct lan9118 *dev, const uint32_t *frame, size_t len);

/* Takes the next received frame, if any, into a word-aligned buffer of
   `size` bytes (>= LAN9118_FRAME_MAX + 4 + 3: the FIFO hands over whole
   words, CRC included). Returns the frame's length without its CRC, 0 when
   none is waiting, or FERRY_E_CORRUPT for a frame the chip flagged or
   whose length is impossible (it was read out and dropped). */
int lan9118_recv(struct lan9118 *dev, uint32_t *buf, size_t size);

/* ---- lwIP glue --------------------------------------------------------------- */
struct netif;

/* netif_add()'s init function: netif->state must point at an initialised
   struct lan9118. Sets the name "en", MTU 1500, the MAC address, the
   Ethernet/ARP flags and the output functions. */
err_t lan9118_netif_init(struct netif *netif);

/* Hands every frame waiting in the RX FIFO to netif->input and keeps the
   netif's link state in step with the PHY. Returns the number of frames
   taken. Call it often (transport_lwip's poll hook). The PHY is read
   every 64th call only (a PHY read is several register accesses). */
unsigned lan9118_netif_poll(struct netif *netif);

#endif
